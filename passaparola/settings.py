"""Django settings, driven by environment variables (see README: Configuration)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from passaparola.lib.env import (
    email_settings,
    envbool,
    envint,
    envlist,
    envstr,
    secret_key_check,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("DATA_DIR", str(BASE_DIR.parent / "var")))
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
SITE_URL = envstr("SITE_URL", "http://localhost:8000").rstrip("/")
# Only the embedded mode (a SITE_URL on this machine) may run with the development key: any
# other address refuses to start without a real SECRET_KEY.
_INSECURE_KEY = "django-insecure-embedded-mode-only-set-SECRET_KEY-in-production"
SECRET_KEY = secret_key_check(
    envstr("SECRET_KEY", _INSECURE_KEY), insecure_default=_INSECURE_KEY, site_url=SITE_URL
)
# Short links may live on their own domain (for example https://go.acme.com); empty means SITE_URL.
SHORT_LINK_URL = envstr("SHORT_LINK_URL", "").rstrip("/")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "axes",
    "django_countries",  # country names in every language, for where clicks came from
    "passaparola.audit",
    "passaparola.people",
    "passaparola.programme",
    "passaparola.activity",
    "passaparola.content",
    "passaparola.sharing",
    "passaparola.tracking",
    "passaparola.recognition",
    "passaparola.insights",
    "passaparola.accounts",
    "passaparola.demo",
    "passaparola.notifications",
    "passaparola.invitations",
    "passaparola.governance",
]

MIDDLEWARE = [
    "passaparola.lib.request_memo.RequestMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "passaparola.urls"
WSGI_APPLICATION = "passaparola.wsgi.application"

TEMPLATES = [
    {
        "NAME": "django",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "passaparola.programme.context_processors.programme",
                "passaparola.people.context_processors.permissions",
            ],
        },
    },
    # Plain-text emails (subjects and bodies, `*.txt`) are not HTML: escaping them would show
    # &quot; and &#x27; to the reader. notifications.emails.email_send renders them here, so
    # no template can forget an {% autoescape off %}; pages and HTML emails keep the engine
    # above, which escapes.
    {
        "NAME": "email_text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'passaparola.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while one of them writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out account or address before any password is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "passaparola.people.backends.EmailBackend",
    "passaparola.people.backends.LoginCodeBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "content:feed"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("it", _("Italian")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files after collectstatic; the test suite uses the plain finders.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Background work: Huey on SQLite for the embedded mode, on Redis at scale.
REDIS_URL = envstr("REDIS_URL", "")
HUEY_IMMEDIATE = envbool("HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "passaparola",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": envint("HUEY_WORKERS", 4), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "passaparola",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": envint("HUEY_WORKERS", 2), "worker_type": "thread"},
    }

# Mail
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Passaparola <passaparola@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
globals().update(email_settings(envstr("EMAIL_URL", "console:")))

# Security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("SECURE_COOKIES", SITE_URL.startswith("https://")):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a lasting commitment for the whole domain: opt in, not by default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The load balancer's health check reaches the app over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Every script, style and font comes from the platform itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Forms post only here; where a form leads elsewhere, lib.redirects.leave_for answers.
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Brute-force protection (docs/people.md). Failed logins, by password or by emailed code, are
# counted by django-axes in the database, per account and per client address: after
# LOGIN_FAILURE_LIMIT failures the account (or the address) waits LOGIN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
# The lockout ends when its time is up, whatever an attacker keeps sending meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "passaparola.people.throttle.axes_username"
AXES_CLIENT_IP_CALLABLE = "passaparola.people.throttle.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "passaparola.people.throttle.axes_lockout"
AXES_SENSITIVE_PARAMETERS = ["password", "code", "csrfmiddlewaretoken"]
# No record of every successful login: the platform keeps no more about people than it needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# A one-time login code is valid this many minutes and allows this many attempts.
LOGIN_CODE_MINUTES = envint("LOGIN_CODE_MINUTES", 15)
LOGIN_CODE_ATTEMPTS = envint("LOGIN_CODE_ATTEMPTS", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
FORWARDED_FOR_HOPS = envint("FORWARDED_FOR_HOPS", 0)

# Sharing: posting through people's connected accounts (passaparola/sharing/providers).
# Tokens are encrypted at rest with TOKEN_ENCRYPTION_KEY: Fernet keys separated by commas, the
# first encrypting (rotate by putting a new key first); empty derives one from SECRET_KEY.
TOKEN_ENCRYPTION_KEY = envstr("TOKEN_ENCRYPTION_KEY", "")
SHARING_APP_NAME = envstr("SHARING_APP_NAME", "Passaparola")
SHARING_HTTP_TIMEOUT = envint("SHARING_HTTP_TIMEOUT", 10)
SHARING_MAX_ATTEMPTS = envint("SHARING_MAX_ATTEMPTS", 5)
SHARING_REAUTH_NUDGE_DAYS = envint("SHARING_REAUTH_NUDGE_DAYS", 7)
# Mastodon servers and Bluesky PDSes are named by people; only public addresses are called.
SHARING_ALLOW_PRIVATE_HOSTS = envbool("SHARING_ALLOW_PRIVATE_HOSTS", False)
SHARING_LINKEDIN_CLIENT_ID = envstr("SHARING_LINKEDIN_CLIENT_ID", "")
SHARING_LINKEDIN_CLIENT_SECRET = envstr("SHARING_LINKEDIN_CLIENT_SECRET", "")
SHARING_LINKEDIN_VERSION = envstr("SHARING_LINKEDIN_VERSION", "202605")
SHARING_LINKEDIN_AUTH_URL = "https://www.linkedin.com"
SHARING_LINKEDIN_API_URL = "https://api.linkedin.com"
SHARING_X_CLIENT_ID = envstr("SHARING_X_CLIENT_ID", "")
SHARING_X_CLIENT_SECRET = envstr("SHARING_X_CLIENT_SECRET", "")
SHARING_X_AUTH_URL = "https://x.com"
SHARING_X_API_URL = "https://api.x.com"
SHARING_BLUESKY_SERVICE = envstr("SHARING_BLUESKY_SERVICE", "https://bsky.social").rstrip("/")
# Where the worker reads the counts of posts made on Bluesky (app.bsky.feed.getPosts, no login).
SHARING_BLUESKY_APPVIEW = envstr("SHARING_BLUESKY_APPVIEW", "https://public.api.bsky.app").rstrip(
    "/"
)
SHARING_MASTODON_URL_TEMPLATE = "https://{domain}"

# Tracking: the click spool, the redirect's caches, GeoIP and the short-link domain.
# Where the redirect leaves clicks for ingestion: "file" (CLICK_SPOOL_DIR on each web machine,
# the fastest) or "redis" (one list on REDIS_URL for every machine; a network round trip).
CLICK_SPOOL = envstr("CLICK_SPOOL", "file")
CLICK_SPOOL_DIR = envstr("CLICK_SPOOL_DIR", str(DATA_DIR / "clicks"))
TRACKING_LINK_CACHE_SECONDS = envint("TRACKING_LINK_CACHE_SECONDS", 60)
TRACKING_LINK_CACHE_SIZE = envint("TRACKING_LINK_CACHE_SIZE", 50_000)
# Answer short links already cached in the process before Django (tracking/fastpath.py).
TRACKING_FAST_PATH = envbool("TRACKING_FAST_PATH", True)
GEOIP_PATH = envstr("GEOIP_PATH", "")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "passaparola.tracking.middleware.ShortLinkHostMiddleware",
)
if SHORT_LINK_URL:
    from urllib.parse import urlsplit as _urlsplit

    _short_host = _urlsplit(SHORT_LINK_URL).hostname
    if _short_host and _short_host not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(_short_host)
# bench/redirect only: a bare view returning a fixed redirect, to compare against.
BENCH_BASELINE = envbool("BENCH_BASELINE", False)
BENCH_BASELINE_TARGET = envstr("BENCH_BASELINE_TARGET", "https://example.com/")

# People, invitations and governance: policy acceptance, invitations, single sign-on.
MIDDLEWARE.append("passaparola.governance.middleware.PolicyAcceptanceMiddleware")
# Single sign-on with OpenID Connect (Entra ID, Google Workspace, Okta...): on when both the
# issuer and the client id are set. See docs/people.md.
OIDC_ISSUER = envstr("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = envstr("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = envstr("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = envstr("OIDC_SCOPES", "openid email profile")
OIDC_PROVIDER_NAME = envstr("OIDC_PROVIDER_NAME", "")
# Refuse an ID token whose email_verified claim is not true. Entra ID sends no such claim:
# there, turn this off only together with OIDC_ALLOWED_TENANTS.
OIDC_REQUIRE_EMAIL_VERIFIED = envbool("OIDC_REQUIRE_EMAIL_VERIFIED", True)
OIDC_ALLOWED_TENANTS = envlist("OIDC_ALLOWED_TENANTS", "")  # Entra ID "tid" claim
OIDC_HOSTED_DOMAINS = envlist("OIDC_HOSTED_DOMAINS", "")  # Google Workspace "hd" claim
OIDC_HTTP_TIMEOUT = envint("OIDC_HTTP_TIMEOUT", 10)
OIDC_CLOCK_SKEW_SECONDS = envint("OIDC_CLOCK_SKEW_SECONDS", 60)
# Uploads of people to invite: at most this many bytes and rows per CSV file.
INVITATION_IMPORT_MAX_BYTES = envint("INVITATION_IMPORT_MAX_BYTES", 10_000_000)
INVITATION_IMPORT_MAX_ROWS = envint("INVITATION_IMPORT_MAX_ROWS", 50_000)

# Content: the safe URL fetcher (passaparola/lib/fetch.py), post images, sources.
FETCH_CONNECT_TIMEOUT = envint("FETCH_CONNECT_TIMEOUT", 5)
FETCH_READ_TIMEOUT = envint("FETCH_READ_TIMEOUT", 10)
FETCH_TOTAL_TIMEOUT = envint("FETCH_TOTAL_TIMEOUT", 20)  # for a whole body, however it drips
FETCH_USER_AGENT = f"Passaparola/0.1 (+{SITE_URL})"
# Test-only: tests serve pages and feeds from 127.0.0.1. Deliberately not read from the
# environment, so no deployment can open the fetcher to its own machine by configuration.
FETCH_ALLOW_LOOPBACK = False
CONTENT_IMAGE_MAX_BYTES = envint("CONTENT_IMAGE_MAX_BYTES", 5_000_000)

# Notifications: digests, nudges, token-expiry emails, Slack and Teams webhooks.
# The digest goes out at the first hourly run from this local hour (TIME_ZONE) on: every day,
# or on Mondays for weekly digests, with at most this many posts.
NOTIFICATIONS_DIGEST_HOUR = envint("NOTIFICATIONS_DIGEST_HOUR", 8)
NOTIFICATIONS_DIGEST_POSTS = envint("NOTIFICATIONS_DIGEST_POSTS", 5)
# A person with no activity for this many days gets one gentle nudge (then none for as long).
NOTIFICATIONS_QUIET_DAYS = envint("NOTIFICATIONS_QUIET_DAYS", 30)

# django-axes turns a refused login into the lockout page; its docs ask for it last.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
