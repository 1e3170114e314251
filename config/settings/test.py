"""The test suite: local settings with a fast password hasher and in-memory mail."""
from .local import *  # noqa: F401,F403
from .local import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The suite asks the API faster than any partner would (hypothesis, hundreds of requests a minute
# with one key): no rate here; tests/api/test_throttle.py sets its own.
FORDRA_API_RATE = FORDRA_API_ANON_RATE = None
# The test runner empties the database with TRUNCATE between tests, which the append-only tables
# refuse unless the session says so (cases/migrations/0019_append_only_truncate.py): only here.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"]["options"] += " -c fordra.allow_truncate=on"
