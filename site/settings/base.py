"""Production-safe settings for Kokeilu.

Everything that differs between machines comes from the environment; `dev.py` and `test.py`
relax what is only safe on a developer's machine. Nothing here turns DEBUG on or carries a secret.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

import dj_database_url

from portal.settings.environment import cache_from_url, env_bool, env_list, tasks_from_env

PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("KOKEILU_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal",
    "cases",
    "toolkit",
    "network",
    "stories",
    "budgeting",
    "search",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # before the language is chosen: a member's own language guides an unprefixed address
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.languages.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.navigation",
                "network.context_processors.membership",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (postgres://user@host/name).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kokeilu.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's admin search index uses PostgreSQL's search fields there, which need this app.
    INSTALLED_APPS.append("django.contrib.postgres")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Development only (production settings refuse SQLite, see portal.deployment). Every
    # transaction takes the write lock when it begins, and waits up to `timeout` seconds for
    # it, so concurrent writes queue instead of failing with "database is locked"; in WAL mode
    # readers do not wait for a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# A request's changes and the search-outbox rows they write commit together or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every rate limit counts in this cache: production settings refuse one that app server
# processes do not share (locmem, dummy, file; see portal.deployment). Use redis:// there.
CACHES = {
    "default": {
        **cache_from_url(os.environ.get("CACHE_URL", "locmem://")),
        # several sites (or test runs) may share one Redis: each keeps its keys apart
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (django-allauth): sign-up with a confirmed e-mail address, log-in by username or
# e-mail. A new account's membership then waits for a national contact point (network/).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"  # URL names: the address carries the language
LOGIN_REDIRECT_URL = "network:me"
LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "network.forms.SignupProfileForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Kokeilu] "
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # failed log-ins: 10 a minute per address, and 5 per 5 minutes per account *from one
    # address* (portal.accounts keys them so): wrong passwords typed elsewhere never lock the
    # owner out of their own account
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "confirm_email": "1/3m/key",
}
# The client address of every rate limit (allauth's and portal.rate_limits'): behind N proxies
# of your own, the N-th address from the right of X-Forwarded-For; 0 (no proxy) takes the
# connection's address and ignores the header, which clients can forge.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Or a header that your proxy sets to the client address alone (e.g. X-Real-IP); it wins.
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
# The site's own rate limits (portal.rate_limits), written like ACCOUNT_RATE_LIMITS:
# amount / window (s, m, h, d) / counted per "user", per client address ("ip") or per "key".
SITE_RATE_LIMITS = {
    "pb_comment": "5/5m/user",
    "story_share": "5/d/user",
    # wrong voting codes, per address and per browser session
    "pb_voting_code": "10/10m/ip,10/10m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Kokeilu"

# The programme's three languages; every public URL carries one as its prefix (/fi/, /sv/, /en/).
# English is the default for visitors whose browser asks for none of them.
LANGUAGE_CODE = "en"
LANGUAGES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Request bodies: form data (everything but uploaded files) of at most this many bytes; a larger
# body is refused with 400 before anything reads it (portal.views.bad_request says why). Forms
# stay far below it (the longest demo case saved in the admin posts about 45 KB; a shared story
# at its text limits, about 60 KB); files have their own limits (photos, images, documents).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploaded files up to this size stay in memory, larger ones go to a temporary file (Django's
# default; it is where an upload is held, not a limit).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Security: production values; dev.py relaxes them for http://127.0.0.1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Load balancers ask /healthz over plain http from inside the network (portal.health).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy (Django's own). The public site loads nothing from other hosts and
# runs no inline script; the Wagtail admin still needs inline styles and scripts, so
# portal.middleware gives /admin/ the ADMIN_CSP below instead.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "frame-ancestors": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# Background tasks (django-tasks): TASKS_BACKEND=database (production's default) queues them for
# the Procfile's worker (`manage.py db_worker`), which sends e-mail and drains the search outbox;
# `immediate` (the default here: development, tests) runs each inside the request that enqueues it.
TASKS = tasks_from_env("TASKS_BACKEND", default="immediate")

MAILERS = {
    # Every message goes through portal.outgoing_mail: it becomes a `mail_send` task, which the
    # worker sends through "smtp" and retries with a growing delay; what the server still does
    # not take is kept (OutgoingMail, in the Django admin) for `manage.py mail_retry`.
    "default": {
        "BACKEND": "portal.outgoing_mail.RetryingEmailBackend",
        "OPTIONS": {"mailer": "smtp"},
    },
    "smtp": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=False),
            # seconds: a mail server that hangs must not hold a request (the message is kept)
            "timeout": float(os.environ.get("EMAIL_TIMEOUT", "10")),
        },
    },
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kokeilu@localhost")
# A message the mail server does not take is tried again after MAIL_RETRY_SECONDS, then after
# twice that, and so on, MAIL_SEND_ATTEMPTS times in all (by default over about two hours),
# when the task backend can run tasks later; then it is kept for `mail_retry`.
MAIL_SEND_ATTEMPTS = int(os.environ.get("MAIL_SEND_ATTEMPTS", "8"))
MAIL_RETRY_SECONDS = float(os.environ.get("MAIL_RETRY_SECONDS", "60"))

# Wagtail
WAGTAIL_SITE_NAME = "Kokeilu"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The admin contacts no third-party host: no Gravatar images, no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Every uploaded image (the admin's, member photos, PB progress updates): at most this many
# pixels, checked from the file's header before anything decodes it (portal.uploaded_images).
# Decoding takes about 4 bytes a pixel: 40 megapixels is 160 MB.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", "40000000"))
# New JPEG, PNG and WebP files are stored re-encoded, without EXIF (GPS positions)
WAGTAILIMAGES_IMAGE_FORM_BASE = "portal.admin_images.AdminImageForm"
# Wagtail's own admin search (pages, images, snippets in the admin). The public knowledge index
# is the project's search/ package, configured with SEARCH_URL below.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# -- Knowledge index (search/) ---------------------------------------------------------------
# SEARCH_URL: "database" (SQLite FTS5 or PostgreSQL full text), or a cluster:
#   opensearch://[user:password@]host:9200[,host2:9200]/<index>[?tls=true&verify_certs=true
#   &ca_certs=/path/ca.pem&timeout=5], and the same with elasticsearch://.
SEARCH_URL = os.environ.get("SEARCH_URL", "database")
# How long the database may spend on one search before it is stopped (search.engines.time_limit).
SEARCH_TIME_LIMIT_SECONDS = float(os.environ.get("SEARCH_TIME_LIMIT_SECONDS", "5"))
# Seconds a request to the cluster may take before the database answers instead.
SEARCH_TIMEOUT = float(os.environ.get("SEARCH_TIMEOUT", "5"))
# While the cluster is down, searches ask it again at most this often (per process).
SEARCH_RETRY_SECONDS = float(os.environ.get("SEARCH_RETRY_SECONDS", "30"))
# Outbox: documents per bulk request, and the back-off of entries the engine refused.
SEARCH_OUTBOX_BATCH_SIZE = int(os.environ.get("SEARCH_OUTBOX_BATCH_SIZE", "200"))
SEARCH_OUTBOX_RETRY_SECONDS = float(os.environ.get("SEARCH_OUTBOX_RETRY_SECONDS", "5"))
SEARCH_OUTBOX_RETRY_MAX_SECONDS = float(os.environ.get("SEARCH_OUTBOX_RETRY_MAX_SECONDS", "600"))
# -- end of the knowledge index settings -----------------------------------------------------


def require_secret_key(secret_key: str) -> str:
    """Refuse to start without a real secret key (production settings call this)."""
    if not secret_key or len(secret_key) < 50:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment to a random string of 50 or more characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    return secret_key
