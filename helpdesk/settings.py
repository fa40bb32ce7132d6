"""Settings for the helpdesk, read from the environment.

With nothing set, the helpdesk runs on SQLite with a Celery transport that needs
no Redis server: `make run` on a laptop needs nothing but Python. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

import ipaddress
from pathlib import Path

import dj_database_url
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from helpdesk.lib import secret_key
from helpdesk.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HELPDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development installation gets a random key of its own, kept in VAR_DIR/secret_key (0600).
    SECRET_KEY = secret_key.load_or_create(VAR_DIR)
secret_key.refuse_published(SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "helpdesk.apps.HelpdeskAdminConfig",  # admin.site that only staff agents reach
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "tickets",
    "helpdesk.lib.search",
    "faq",
    "reports",
    "mailgateway",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",  # agents owing the second sign-in step go to the code page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "helpdesk.middleware.NoStoreMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'helpdesk.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL and a busy timeout let the web server and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("pl", _("Polish")), ("cs", _("Czech"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640

# Mail
# Every mail goes into the outbox (mailgateway.outbox) and is sent from there, with retries, by
# the transport below; EMAIL_BACKEND in the environment is still read as the transport.
EMAIL_BACKEND = "mailgateway.backends.OutboxBackend"
HELPDESK_MAIL_TRANSPORT_BACKEND = env_str(
    "HELPDESK_MAIL_TRANSPORT_BACKEND",
    env_str(
        "EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
    ),
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "helpdesk@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Who hears about failing mailboxes, besides the active administrator accounts that have an email.
ADMINS = [(address, address) for address in env_list("ADMINS")]

# Celery: Redis when REDIS_URL / CELERY_BROKER_URL is set, otherwise a filesystem
# transport under VAR_DIR so that a laptop needs no broker.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery-queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery-control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}
# Mail gateway: each account is polled when its own interval has passed; queued mail is retried.
CELERY_BEAT_SCHEDULE["mail-poll-accounts"] = {"task": "mailgateway.tasks.poll_due_accounts", "schedule": 30.0}
CELERY_BEAT_SCHEDULE["mail-retry-deliveries"] = {"task": "mailgateway.tasks.retry_due_deliveries", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["mail-retry-pending"] = {"task": "mailgateway.tasks.retry_pending_messages", "schedule": 120.0}
CELERY_BEAT_SCHEDULE["mail-check-accounts"] = {"task": "mailgateway.tasks.alert_failing_accounts", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["mail-reminders"] = {"task": "mailgateway.tasks.send_due_reminders", "schedule": 60.0}
# Tickets: locks held past their queue's unlock timeout without agent activity are released.
CELERY_BEAT_SCHEDULE["tickets-unlock"] = {"task": "tickets.tasks.release_expired_locks", "schedule": 300.0}
# Pending auto-close states close their tickets when the pending time comes.
CELERY_BEAT_SCHEDULE["tickets-auto-close"] = {"task": "tickets.tasks.close_due_pending", "schedule": 60.0}
# Reports: saved reports mailed on their schedule (daily / weekly / monthly at an hour); each run sent once.
CELERY_BEAT_SCHEDULE["reports-scheduled"] = {"task": "reports.tasks.send_scheduled_reports", "schedule": 300.0}
# The escalation sweep: SLA warnings and breaches whose moment has come are marked and told, once.
CELERY_BEAT_SCHEDULE["tickets-escalation"] = {"task": "tickets.tasks.escalate_due_tickets", "schedule": 60.0}

CACHES = {
    # Redis away: pages are served without the cache (helpdesk/cache.py), not refused; short socket
    # timeouts so an unreachable host costs a second, not a hung worker.
    "default": {
        "BACKEND": "helpdesk.cache.TolerantRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Helpdesk behaviour
HELPDESK_SYSTEM_ID = env_str("HELPDESK_SYSTEM_ID", "10")
HELPDESK_TICKET_NUMBER_GENERATOR = env_str("HELPDESK_TICKET_NUMBER_GENERATOR", "tickets.numbers.date_checksum")
HELPDESK_TICKET_HOOK = env_str("HELPDESK_TICKET_HOOK", "Ticket#")
HELPDESK_BASE_URL = env_str("HELPDESK_BASE_URL", "http://localhost:8000").rstrip("/")
HELPDESK_EVENT_HANDLERS: list[str] = env_list("HELPDESK_EVENT_HANDLERS")

# Printing to PDF (tickets/pdf.py): a child process with these limits, fed a capped thread
HELPDESK_PDF_SECONDS = env_int("HELPDESK_PDF_SECONDS", 30)
HELPDESK_PDF_MEMORY_MB = env_int("HELPDESK_PDF_MEMORY_MB", 1024)
HELPDESK_PDF_MAX_ARTICLES = env_int("HELPDESK_PDF_MAX_ARTICLES", 200)
HELPDESK_PDF_MAX_ARTICLE_CHARS = env_int("HELPDESK_PDF_MAX_ARTICLE_CHARS", 10_000)
HELPDESK_PDF_CONCURRENCY = env_int("HELPDESK_PDF_CONCURRENCY", 2)  # renderers at once, installation-wide
if HELPDESK_PDF_CONCURRENCY < 1:
    raise ImproperlyConfigured("HELPDESK_PDF_CONCURRENCY must be at least 1.")

# Mail gateway (mailgateway/): limits, loop protection, polling
HELPDESK_MAIL_MAX_BYTES = env_int("HELPDESK_MAIL_MAX_BYTES", 30 * 1024 * 1024)
HELPDESK_MAIL_MAX_PARTS = env_int("HELPDESK_MAIL_MAX_PARTS", 500)
HELPDESK_MAIL_MAX_DEPTH = env_int("HELPDESK_MAIL_MAX_DEPTH", 20)
HELPDESK_MAIL_MAX_HEADERS = env_int("HELPDESK_MAIL_MAX_HEADERS", 1000)
HELPDESK_MAIL_MAX_HEADER_LENGTH = env_int("HELPDESK_MAIL_MAX_HEADER_LENGTH", 16 * 1024)
HELPDESK_MAIL_MAX_ATTEMPTS = env_int("HELPDESK_MAIL_MAX_ATTEMPTS", 3)
HELPDESK_MAIL_DEFAULT_QUEUE = env_str("HELPDESK_MAIL_DEFAULT_QUEUE", "")
HELPDESK_MAIL_CREATE_CUSTOMERS = env_bool("HELPDESK_MAIL_CREATE_CUSTOMERS", True)
HELPDESK_MAIL_LOOP_ID = env_str("HELPDESK_MAIL_LOOP_ID", f"helpdesk-{HELPDESK_SYSTEM_ID}")
# authserv-ids of our own receiving servers whose Authentication-Results header proves an agent's mail is theirs
HELPDESK_MAIL_TRUSTED_AUTHSERV_IDS = env_list("HELPDESK_MAIL_TRUSTED_AUTHSERV_IDS")
HELPDESK_MAIL_AUTO_REPLIES_PER_HOUR = env_int("HELPDESK_MAIL_AUTO_REPLIES_PER_HOUR", 5)
HELPDESK_MAIL_ALERT_AFTER_MINUTES = env_int("HELPDESK_MAIL_ALERT_AFTER_MINUTES", 60)
HELPDESK_MAIL_SEND_MAX_ATTEMPTS = env_int("HELPDESK_MAIL_SEND_MAX_ATTEMPTS", 8)
HELPDESK_MAIL_POLL_SECONDS = env_int("HELPDESK_MAIL_POLL_SECONDS", 30)
# Customer panel
HELPDESK_MAX_ATTACHMENT_MB = env_int("HELPDESK_MAX_ATTACHMENT_MB", 20)
HELPDESK_CUSTOMER_SELF_REGISTRATION = env_bool("HELPDESK_CUSTOMER_SELF_REGISTRATION", False)
HELPDESK_CUSTOMER_CAN_SET_PRIORITY = env_bool("HELPDESK_CUSTOMER_CAN_SET_PRIORITY", True)
HELPDESK_CUSTOMER_TICKETS_PER_HOUR = env_int("HELPDESK_CUSTOMER_TICKETS_PER_HOUR", 10)
HELPDESK_CUSTOMER_TICKETS_PER_HOUR_PER_IP = env_int("HELPDESK_CUSTOMER_TICKETS_PER_HOUR_PER_IP", 30)
HELPDESK_LOGIN_MAX_FAILURES = env_int("HELPDESK_LOGIN_MAX_FAILURES", 5)
HELPDESK_LOGIN_LOCKOUT_MINUTES = env_int("HELPDESK_LOGIN_LOCKOUT_MINUTES", 15)
HELPDESK_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("HELPDESK_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
HELPDESK_LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int("HELPDESK_LOGIN_MAX_FAILURES_PER_ACCOUNT", 30)
HELPDESK_PASSWORD_RESETS_PER_HOUR = env_int("HELPDESK_PASSWORD_RESETS_PER_HOUR", 3)
HELPDESK_PASSWORD_RESETS_PER_HOUR_PER_ADDRESS = env_int("HELPDESK_PASSWORD_RESETS_PER_HOUR_PER_ADDRESS", 10)
HELPDESK_AGENT_2FA_REQUIRED = env_bool("HELPDESK_AGENT_2FA_REQUIRED", False)
# Reverse proxies whose X-Forwarded-For names the client (addresses or networks); empty: REMOTE_ADDR.
HELPDESK_TRUSTED_PROXIES = env_list("HELPDESK_TRUSTED_PROXIES")
try:
    [ipaddress.ip_network(proxy, strict=False) for proxy in HELPDESK_TRUSTED_PROXIES]
except ValueError as exc:
    raise ImproperlyConfigured(f"HELPDESK_TRUSTED_PROXIES: {exc}") from exc
OTP_TOTP_ISSUER = env_str("HELPDESK_2FA_ISSUER", "Helpdesk")  # the name authenticator apps show
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # admin never shows a device's secret key

# Knowledge base: a suggested article opened while writing a request counts as deflected unless
# the customer files a ticket within this many minutes after opening it.
HELPDESK_FAQ_DEFLECTION_MINUTES = env_int("HELPDESK_FAQ_DEFLECTION_MINUTES", 30)

# Security (all on when DEBUG is off; `manage.py check --deploy` is clean then)
# Content-Security-Policy on every page (django-csp): scripts, styles, images and fonts only
# from this server, no inline script at all, no remote images (mail HTML cannot track its
# reader), no plugins, no framing, forms post only here. Colours and indents that depend on
# data are classes or set by the panels' scripts: there are no style attributes either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_NONE],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "media-src": [CSP_SELF],
        "manifest-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "frame-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the whole registrable domain to HTTPS and only the apex can be
        # submitted; it is a deliberate opt-in (SECURE_HSTS_PRELOAD=1), not a missing safeguard.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
