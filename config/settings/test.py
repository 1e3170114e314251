"""The test suite: local settings with a fast password hasher and in-memory mail."""
from .local import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The suite asks the API faster than any partner would (hypothesis, hundreds of requests a minute
# with one key): no rate here; tests/api/test_throttle.py sets its own.
FORDRA_API_RATE = FORDRA_API_ANON_RATE = None
