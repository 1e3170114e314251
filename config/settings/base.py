"""Settings shared by every environment, read from the environment (django-environ).

With nothing set, Fordra runs on its embedded default: SQLite and files under `var/`,
Celery tasks executed eagerly in-process. `DATABASE_URL` and `CELERY_BROKER_URL` switch
to PostgreSQL and Redis.
"""
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("FORDRA_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
# Earlier keys, comma-separated, while changing SECRET_KEY: sessions and links signed with them
# stay valid, and the secrets encrypted under them (core.crypto) readable until
# `manage.py reencrypt_secrets` has written them under the new key.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # From the ground up: each imports only those above it here (pyproject.toml, [tool.importlinter]).
    "core",
    "law",
    "creditors",
    "debtors",
    "webhooks",
    "cases",
    "letters",
    "dunning",
    "classification",
    "payments",
    "intake",
    "cycle",
    "portal",
    "api",
    "demo",
    # Sign-in (portal.signin): e-mail and password, TOTP and recovery codes, a lockout per (account,
    # IP). After the portal: its templates (portal/templates/account, mfa) override theirs.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise: static files carry the same policy as the pages (the security block below).
    "csp.middleware.CSPMiddleware",
    "core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.language.PortalLanguageMiddleware",
    # After the language (their pages and redirects speak it), before any view.
    "portal.signin_rules.SessionLifetimeMiddleware",
    "portal.signin_rules.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "creditors.middleware.TenantScopeMiddleware",
    # Inside the tenant scope (it needs the API client): a repeated Idempotency-Key replays the first answer.
    "api.idempotency.IdempotencyMiddleware",
    # Last: turns a sign-in refused for a locked (account, IP) into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.tenant",
                "portal.context_processors.agency",
                "portal.member_context.membership",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'fordra.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: PostgreSQL compiles a query whose estimate is high (a subquery per row of a large
    # table), which took 440 ms of a 470 ms sync poll that reads 26 ms of rows (bench/api.py --sync).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sign-in (portal.signin, portal.signin_rules). Axes comes first: it refuses a locked (account, IP)
# before any password is checked. allauth's backend finds a user by User.email, so the users made
# before allauth (no EmailAddress row) sign in as before.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "portal.signin.AccountAdapter"  # closed signup: a creditor's admin invites
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Users are made by an admin or a command; an invitation's link proves the address (portal.signin).
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "portal.signin_tokens.ResetOrInvitationTokenGenerator"
# No "there is no account for this address" mail: it would let anyone mail anyone from us.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays; the others end (the session auth hash)
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_NOTIFICATIONS = True  # "your password was changed", "two-factor was turned off"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Fordra: "
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins are axes' (per account and IP): allauth's own per-address limit would let
    # anyone lock any user out from everywhere.
    "login_failed": False,
}
# Reset links: one use (the token covers the password hash and the last sign-in), then this long.
PASSWORD_RESET_TIMEOUT = env.int("FORDRA_PASSWORD_RESET_MINUTES", default=60) * 60
# An invitation's link (portal.signin.invitation_link) lives longer than a reset link.
FORDRA_INVITATION_DAYS = env.int("FORDRA_INVITATION_DAYS", default=7)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "portal.signin.MFAAdapter"  # those who must use two-factor cannot turn it off
MFA_TOTP_ISSUER = "Fordra"
MFA_RECOVERY_CODE_COUNT = 10

# Brute force (django-axes): 5 failures for one account from one address lock that pair for 15
# minutes; the account still signs in from elsewhere, and a success clears the count.
AXES_FAILURE_LIMIT = env.int("FORDRA_SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("FORDRA_SIGNIN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "portal.signin.axes_username"
AXES_CLIENT_IP_CALLABLE = "portal.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.signin.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
# X-Forwarded-For is trusted only from this many proxies in front of the app (0: REMOTE_ADDR only).
FORDRA_TRUSTED_PROXY_COUNT = env.int("FORDRA_TRUSTED_PROXY_COUNT", default=0)

# Sessions: gone after this long idle (a request moves the expiry on, portal.signin_rules), this
# long after sign-in whatever happens, and when the browser closes.
FORDRA_SESSION_IDLE_MINUTES = env.int("FORDRA_SESSION_IDLE_MINUTES", default=30)
FORDRA_SESSION_MAX_HOURS = env.int("FORDRA_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = FORDRA_SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Security headers on every answer: pages, admin, API, its docs, error pages and static files.
# No inline script or style anywhere (htmx's indicator styles are in fordra.css, base.html turns
# its injected <style> off); images may be data: URIs (the TOTP QR code); no plugins, no <base>,
# no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
SECURE_REFERRER_POLICY = "same-origin"  # a case's address never leaves with a link to elsewhere
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# core.headers: browser features the portal never uses, refused to any script on its pages.
FORDRA_PERMISSIONS_POLICY = {
    feature: [] for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "usb",
        "screen-wake-lock", "serial", "xr-spatial-tracking",
    )
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
# The portal's words are written in Swedish (the msgids); locale/en holds their English.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Letters, print batches, dispute documents and logos hold personal data: the app's own user alone
# reads them (FileSystemStorage chmods each file and makes its folders with these modes).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

REST_FRAMEWORK = {
    # The bearer token; a request without a valid one is first counted against its address (api.throttles).
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.throttles.ThrottledTokenAuthentication"],
    # A key acts within its scopes (api.permissions): every endpoint, unless it says otherwise.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.permissions.ApiKeyScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.ApiClientRateThrottle", "api.throttles.AddressRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.handler.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, with a nesting limit: a deeply nested body is a 400, never a RecursionError.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
}
# Requests per API key, and per address for requests without a valid key ("N/sec|min|hour|day").
# Counted in the default cache below: shared by every process only when that is Redis.
FORDRA_API_RATE = env.str("FORDRA_API_RATE", default="600/min")
FORDRA_API_ANON_RATE = env.str("FORDRA_API_ANON_RATE", default="60/min")
# The default cache: CACHE_URL (say redis://redis:6379/1, another database than the broker's),
# else each process's own memory.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fordra API",
    # What the API does and how to use it, shown at the top of the docs page (/api/docs/).
    "DESCRIPTION": (BASE_DIR / "api" / "description.md").read_text(encoding="utf-8"),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: the docs page fetches nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation's error answers (400/401/403/404/406/409/413/415/422/429) in the one error shape,
    # and the Idempotency-Key header on every unsafe one (api.schema_hooks).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema_hooks.document_errors",
                             "api.operations.summarize"],
}

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://localhost/"  # with no host kombu warns on every connection
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Steps fire on bank days; the cycle itself runs every morning and finds nothing due on others.
    "daily-dunning-cycle": {"task": "dunning.run_daily_cycle", "schedule": crontab(hour=5, minute=30)},
    # Letters are rendered (and e-mailed) right after the cycle commits; the rest go to the mail house at 14:00.
    "daily-letter-delivery": {"task": "letters.deliver_all", "schedule": crontab(hour=14, minute=0)},
    # Idempotency-Keys live 24 hours (api.idempotency); older rows are already ignored, this frees the space.
    "hourly-idempotency-sweep": {"task": "api.sweep_idempotency_keys", "schedule": crontab(minute=17)},
    # Webhook deliveries that are due (webhooks.delivery): a commit asks at once, this catches the rest and the retries.
    "webhook-delivery-sweep": {"task": "webhooks.deliver_due", "schedule": 60.0},
    # A rotated webhook secret stops signing at its end anyway (webhooks.delivery); this blanks it after.
    "hourly-webhook-secret-sweep": {"task": "webhooks.forget_previous_secrets", "schedule": crontab(minute=23)},
}
# The SSRF guard (webhooks.guard): a receiver on a private address or over plain http, for development only.
WEBHOOKS_ALLOW_PRIVATE = env.bool("FORDRA_WEBHOOKS_ALLOW_PRIVATE", default=False)
WEBHOOKS_ALLOW_HTTP = env.bool("FORDRA_WEBHOOKS_ALLOW_HTTP", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # The level on the handler too: Django's own loggers (django.request's 404 warnings) set
    # their level and pass their records up to this handler past the root's level.
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "level": env.str("LOG_LEVEL", default="INFO")}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        # axes says "BEGIN" at every start and a line per sign-in; a lockout (a WARNING) is what matters.
        "axes": {"level": "WARNING"},
        # Tasks run in-process on the embedded default: a line per task (hundreds in seed_demo)
        # says nothing there that the command does not. A worker logs them as usual.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}

# Fordra's own settings.
# The agency as every letter prints it. The defaults are the demo's; production sets its own.
FORDRA_AGENCY = {
    key: env.str(f"FORDRA_AGENCY_{key.upper()}", default=default) for key, default in {
        "name": "Fordra Inkasso AB", "org_number": "556703-7485", "address": "Box 1234", "postal_code": "111 84",
        "city": "Stockholm", "phone": "08-120 450 00", "email": "kundtjanst@fordra.se", "website": "fordra.se",
        "hours": "08–17",
    }.items()
}

# Imports: a file beyond these limits is refused whole, before anything is read into the database.
LEDGER_IMPORT_MAX_BYTES = env.int("LEDGER_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
LEDGER_IMPORT_MAX_ROWS = env.int("LEDGER_IMPORT_MAX_ROWS", default=500_000)
LEDGER_IMPORT_MAX_XLSX_UNPACKED = env.int("LEDGER_IMPORT_MAX_XLSX_UNPACKED", default=500 * 1024 * 1024)
# A header wider than this is refused; an XLSX sheet is read no further than this many empty rows in a row.
LEDGER_IMPORT_MAX_COLUMNS = env.int("LEDGER_IMPORT_MAX_COLUMNS", default=1000)
LEDGER_IMPORT_MAX_EMPTY_ROWS = env.int("LEDGER_IMPORT_MAX_EMPTY_ROWS", default=1000)
# An import (ledger or credit reports) that takes longer is refused and stores nothing; 500 000 rows take
# about two minutes (bench/README.md).
LEDGER_IMPORT_MAX_SECONDS = env.float("LEDGER_IMPORT_MAX_SECONDS", default=600.0)
PAYMENT_IMPORT_MAX_BYTES = env.int("PAYMENT_IMPORT_MAX_BYTES", default=200 * 1024 * 1024)
# A credit report older than this is not used to classify a debtor (the reason says so).
CREDIT_REPORT_MAX_AGE_DAYS = env.int("CREDIT_REPORT_MAX_AGE_DAYS", default=90)
