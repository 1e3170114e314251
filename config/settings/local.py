"""The embedded default: a developer's machine or the demo. Never used in production."""
from .base import *  # noqa: F401,F403
from .base import STATIC_ROOT, VAR_DIR, env

# Off by default: the demo shows its own 404 and 500 pages, as production does. A developer
# who wants Django's debug pages sets DEBUG=1.
DEBUG = env.bool("DEBUG", default=False)
# Without DEBUG, runserver serves no static files: whitenoise serves them from the apps'
# folders (the finders), so no collectstatic is needed here, and picks up a changed file.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-key-only-for-the-embedded-default")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
# Reset links and two-factor notices are printed where the server runs, not sent.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

VAR_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from it; runserver uses the finders
