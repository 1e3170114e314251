"""Production: every secret and host comes from the environment; nothing insecure defaults on."""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
# Refused, not only warned about (check --deploy's W009): a guessable key forges sessions, reset links
# and signed values. The local settings' key and Django's startproject keys are public.
LOCAL_SECRET_KEY = "insecure-local-key-only-for-the-embedded-default"
_HOW = 'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
if not SECRET_KEY:
    raise ImproperlyConfigured(f"SECRET_KEY must be set to a random value of at least 50 characters. {_HOW}")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(f"SECRET_KEY must be set to a random value of at least 50 characters, "
                               f"not {len(SECRET_KEY)}. {_HOW}")
if len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(f"SECRET_KEY has fewer than 5 different characters: it is not random. {_HOW}")
if SECRET_KEY.startswith("django-insecure") or LOCAL_SECRET_KEY in SECRET_KEY:
    raise ImproperlyConfigured(f"SECRET_KEY is a development key, published with the code. {_HOW}")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts Fordra is served on.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Keep each worker's database connection for a minute (checked before reuse) instead of one per
# request: 8 ms less per API request and some 40 % more throughput (bench/api.py). A
# `conn_max_age` in DATABASE_URL's query wins; CONN_MAX_AGE=0 turns it off (say, behind PgBouncer).
if "conn_max_age" not in env.str("DATABASE_URL", default=""):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# TLS ends at the reverse proxy in front of gunicorn, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@fordra.example")
