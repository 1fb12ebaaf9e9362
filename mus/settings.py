"""Settings for MUS: one module, everything that differs between machines from the environment.

Variables (see README): SECRET_KEY, DEBUG, ALLOWED_HOSTS, DATABASE_URL, EMAIL_URL,
DEFAULT_FROM_EMAIL, CSRF_TRUSTED_ORIGINS, SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS,
SECURE_HSTS_PRELOAD, SESSION_IDLE_SECONDS, LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES,
TRUSTED_PROXIES, TIME_ZONE, SITE_URL, TASKS_BACKEND. A ``.env`` file beside manage.py (or
the file ENV_FILE names) is read too; ``make run`` writes one for local development.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE="" reads none: the settings tests check production's defaults beside a
# developer's .env.
if env_file := env.str("ENV_FILE", default=str(BASE_DIR / ".env")):
    environ.Env.read_env(env_file)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (or DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # MUS's own apps, from the top layer down (docs/architecture.md); templates and
    # management commands are found in this order.
    "mus",
    "hr",
    "privacy",
    "notifications",
    "reviews",
    "trail",
    "competencies",
    "organisation",
    "common",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "adminsortable2",
    "django_tasks_db",
    "axes",
    "djangosaml2",
]

MIDDLEWARE = [
    # First: every response below it, from views and middleware alike, is kept by no cache.
    "mus.middleware.NoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Up here, so that static files and early refusals carry it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "djangosaml2.middleware.SamlSessionMiddleware",  # the SAML request, kept for its answer
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organisation.account_events.AccountEventMiddleware",  # after auth: who acts on a login
    "mus.middleware.DanishByDefaultLocaleMiddleware",  # after auth: the user's own choice
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "trail.recording.TrailMiddleware",
    # Last: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mus.urls"
WSGI_APPLICATION = "mus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'mus.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and the one writer work at once; the timeout rides out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A host that does not answer at all fails within seconds: the 503 page, not a worker
    # killed by gunicorn's timeout (mus.views.server_error).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisation.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out, then the real one
    "organisation.auth.Backend",  # Django's ModelBackend, reading the user's person with the user
    "organisation.sso.oidc.Backend",  # OpenID Connect, when configured
    "organisation.sso.saml.Backend",  # SAML 2.0, when configured
]
# Single sign-on (docs/sso.md): OpenID Connect when OIDC_CLIENT_ID is set, SAML 2.0 when
# SAML_IDP_METADATA_URL or SAML_IDP_METADATA_FILE is; with neither, MUS's own passwords.
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
# The endpoints are discovered from OIDC_ISSUER's /.well-known/openid-configuration at the
# first login (organisation/sso/oidc.py); one named here overrides the discovered one.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_JWKS_URI", default="")
OIDC_OP_USER_ENDPOINT = ""  # unused: the signed ID token carries the claims
OIDC_OP_END_SESSION_ENDPOINT = env.str("OIDC_END_SESSION_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGORITHM", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False  # an identity that matches no one is refused, never created
OIDC_STORE_ID_TOKEN = True  # the hint for the provider's single logout
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/sso/refused/"
SAML_IDP_METADATA_URL = env.str("SAML_IDP_METADATA_URL", default="")
SAML_IDP_METADATA_FILE = env.str("SAML_IDP_METADATA_FILE", default="")
SAML_SP_ENTITY_ID = env.str("SAML_SP_ENTITY_ID", default="")
# MUS's own key and certificate (PEM files): it signs its single logout with them.
SAML_SP_KEY_FILE = env.str("SAML_SP_KEY_FILE", default="")
SAML_SP_CERT_FILE = env.str("SAML_SP_CERT_FILE", default="")
SAML_XMLSEC_BINARY = env.str("SAML_XMLSEC_BINARY", default="/usr/bin/xmlsec1")
SAML_CONFIG_LOADER = "organisation.sso.saml.config"
SAML_CREATE_UNKNOWN_USER = False
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"  # a plain redirect
SAML_ACS_FAILURE_RESPONSE_FUNCTION = "organisation.sso.saml.acs_failure"
SAML_CSP_HANDLER = ""  # MUS's own policy applies; the SAML pages run no script
SAML_ATTRIBUTE_MAPPING: dict[str, tuple[str, ...]] = {}  # nothing copied: matching decides
# The SAML session cookie travels with the provider's cross-site POST (over HTTPS).
SAML_SESSION_COOKIE_SAMESITE = env.str("SAML_SESSION_COOKIE_SAMESITE", default="None")
# Which claim (OIDC) or attribute (SAML) carries the employee number, the e-mail address
# and the groups; members of an SSO_HR_GROUPS group get the HR role, nothing more.
SSO_EMPLOYEE_NUMBER_CLAIM = env.str("SSO_EMPLOYEE_NUMBER_CLAIM", default="employee_number")
SSO_EMAIL_CLAIM = env.str("SSO_EMAIL_CLAIM", default="email")
SSO_GROUPS_CLAIM = env.str("SSO_GROUPS_CLAIM", default="groups")
# The OIDC claim that says the e-mail address is verified (Entra ID: xms_edov).
SSO_EMAIL_VERIFIED_CLAIM = env.str("SSO_EMAIL_VERIFIED_CLAIM", default="email_verified")
SSO_HR_GROUPS = env.list("SSO_HR_GROUPS", default=[])
# With SSO on, only these usernames (break-glass superusers) log in with a password.
SSO_BREAK_GLASS_USERS = env.list("SSO_BREAK_GLASS_USERS", default=[])
# Whom a person the directory does not know should contact, shown on the refusal page.
SSO_CONTACT = env.str("SSO_CONTACT", default="")
# SCIM 2.0 provisioning (organisation.scim): off unless a bearer token is set.
SCIM_TOKEN = env.str("SCIM_TOKEN", default="")
SCIM_DEPARTMENT = env.str("SCIM_DEPARTMENT", default="")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions live in the database so that any app server can continue any session.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=60 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Login throttling (django-axes), per username *and* address: by username alone anyone could
# lock a colleague out, by address alone a whole town hall behind one NAT address.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "organisation.accounts.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "organisation.accounts.client_address"
AXES_USERNAME_CALLABLE = "organisation.accounts.attempted_username"
AXES_HTTP_RESPONSE_CODE = 429
# Failed attempts are kept until the cool-off has passed; successful logins are not logged
# (a superuser's are, in the record of account actions: organisation.account_events).
AXES_DISABLE_ACCESS_LOG = True
# How many reverse proxies in front of MUS add the address they saw to X-Forwarded-For;
# with none, the connection's own address is the client's.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day-month-year, as English is read in Denmark (mus/formats/en).
FORMAT_MODULE_PATH = ["mus.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Copenhagen")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail goes through the SMTP server EMAIL_URL names, e.g.
# smtp+tls://user:password@smtp.example.dk:587 (Django 6.1's MAILERS setting):
# by default the machine's own mail server, or the console in development.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            option: _email[key]
            for option, key in [
                ("host", "EMAIL_HOST"),
                ("port", "EMAIL_PORT"),
                ("username", "EMAIL_HOST_USER"),
                ("password", "EMAIL_HOST_PASSWORD"),
                ("use_tls", "EMAIL_USE_TLS"),
                ("use_ssl", "EMAIL_USE_SSL"),
            ]
            if _email.get(key) and "smtp" in _email["EMAIL_BACKEND"]
        },
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MUS <mus@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Where MUS is reached from outside: e-mails link to their page there and calendar
# invitations carry its host name. `check --deploy` warns while it is unset.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# E-mail leaves through django.tasks. In production the tasks wait in the database for
# `manage.py db_worker`; TASKS_BACKEND=django.tasks.backends.immediate.ImmediateBackend
# sends at once instead, which suits a demo without a worker.
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}

# HR's bulk work (opening a round, its PDFs) also runs on the task workers (`manage.py
# worker`). A part with no sign of life for JOB_LEASE_SECONDS is given to another worker;
# a round's zip of PDFs waits in EXPORT_DIR (shared by all machines) for EXPORT_KEEP_DAYS.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=120)
EXPORT_DIR = Path(env.str("EXPORT_DIR", default=str(DATA_DIR / "exports")))
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)
# People per part of an opening, reviews per part of an export (small in the kill tests).
JOB_OPEN_PART = env.int("JOB_OPEN_PART", default=500)
JOB_EXPORT_PART = env.int("JOB_EXPORT_PART", default=25)
# An e-mail claimed this long ago and never settled: its worker died mid-send.
NOTICE_STUCK_AFTER_SECONDS = env.int("NOTICE_STUCK_AFTER_SECONDS", default=3600)

# Security headers. Scripts and styles only from our own origin; nothing inline
# without the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# The browser features MUS never uses are switched off, for us and anything we might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "storage-access",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    ]
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# In production (DEBUG off) everything travels over HTTPS; a proxy in front sets the header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Every login at INFO; lockouts, which matter, come at WARNING.
        "axes": {"level": "WARNING"},
    },
}

# How long a review is kept after it ended (concluded, or its round closed): then
# `manage.py apply_retention` deletes it with everything in it, its trail included.
# Five years: a development plan is followed up over a few rounds, and a personnel
# matter that leans on it is usually settled well within that time.
RETENTION_YEARS = env.int("RETENTION_YEARS", default=5)

# Where the seed documents the catalogue fixtures were taken from (used by the tests):
# kept in the repository, so that a fresh clone checks the fixtures against them.
SEEDS_DIR = Path(env.str("SEEDS_DIR", default=str(BASE_DIR / "docs" / "sources")))
