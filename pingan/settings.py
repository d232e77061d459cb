"""Settings of the portal, read from the environment (see README)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "未设置 SECRET_KEY：关闭 DEBUG 运行时必须通过环境变量提供 SECRET_KEY。"
        )
    SECRET_KEY = "development-only-key-never-used-when-debug-is-off"

# The audit trail's keys live outside the database: AUDIT_KEY makes each entry's HMAC, and
# AUDIT_SIGNING_KEY (an Ed25519 private key, 64 hex digits) signs its checkpoints, so neither
# a rewritten chain nor a forged checkpoint can be made from the database alone.
AUDIT_KEY = env.str("AUDIT_KEY", default="")
AUDIT_SIGNING_KEY = env.str("AUDIT_SIGNING_KEY", default="")
if not (AUDIT_KEY and AUDIT_SIGNING_KEY):
    if not DEBUG:
        raise ImproperlyConfigured(
            "未设置 AUDIT_KEY 或 AUDIT_SIGNING_KEY：关闭 DEBUG 运行时必须通过环境变量"
            "提供审计日志密钥(生成方法见 README)。"
        )
    AUDIT_KEY = AUDIT_KEY or "development-only-audit-key"
    AUDIT_SIGNING_KEY = AUDIT_SIGNING_KEY or "11" * 32

# How many proxies of our own stand in front of the portal: the client address is taken that
# many places from the right of X-Forwarded-For; with none, from the socket.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "audit",
    "villages",
    "assessments",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pingan.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pingan.middleware.PasswordChangeFirstMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "audit.middleware.AuditAddressMiddleware",
    "pingan.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "pingan.urls"

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
                "pingan.navigation.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "pingan.wsgi.application"
ASGI_APPLICATION = "pingan.asgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'pingan.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection is kept by each worker between requests (opening one costs as much CPU as the
# page), and checked before reuse so a restarted database costs one failed check, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Shared by every worker of the host: sessions (read from here, written through to the
# database) and each reader's kept menu and roles (pingan/freshness.py). Several hosts share a
# cache server instead (CACHE_URL=redis://…).
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "villages.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "villages.authentication.PasswordBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
# Failures count per account and address together: another account's success from the same
# address clears nothing of this one's, and one person's typos do not lock everyone behind
# the same office network.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The lock-out counts the address the audit trail records: never one the client wrote.
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Evidence files are private: no MEDIA_URL route exists, downloads go through
# permission-checking views only.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
FILE_UPLOAD_PERMISSIONS = 0o640

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Secure by default: with DEBUG off, HTTPS only and HSTS for a year, unless the environment
# turns them off explicitly. The scheme a proxy reports is believed only from the proxies the
# deployment names (TRUSTED_PROXY_COUNT).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Django's admin and the API's Swagger UI set inline styles; their scripts stay external.
CONTENT_SECURITY_POLICY_ADMIN = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Reminders go out by `manage.py send_reminders` (daily, from cron) through these channels.
NOTIFICATION_CHANNELS = env.list(
    "NOTIFICATION_CHANNELS", default=["pingan.notifications.EmailChannel"]
)
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="平安村创建考评平台 <noreply@localhost>")

# The common-character cuts of the PDF fonts, made by `manage.py prepare_fonts`.
PDF_FONT_CACHE = env.path("PDF_FONT_CACHE", default=VAR_DIR / "fonts")

EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_MB", default=20) * 1024 * 1024
# A spreadsheet to import larger than this is refused before it is read.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=10) * 1024 * 1024
# A sheet of more rows is checked and imported by the background worker, with its progress.
IMPORT_INLINE_ROWS = env.int("IMPORT_INLINE_ROWS", default=300)
# A photo larger than this many pixels is refused from its header, before it is decoded.
EVIDENCE_MAX_PIXELS = env.int("EVIDENCE_MAX_PIXELS", default=40_000_000)
# The long side a photo is kept at: the phone draws it this small before sending (static/js/
# photos.js), and the worker makes any larger one this small (assessments.evidence).
EVIDENCE_PHOTO_LONG_SIDE = env.int("EVIDENCE_PHOTO_LONG_SIDE", default=2048)
# 公示异议 from the public, without a captcha: at most this many an hour from one address.
OBJECTIONS_PER_HOUR = env.int("OBJECTIONS_PER_HOUR", default=3)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Long printouts and province-wide exports are built by `manage.py db_worker` from a queue in
# the database, so no further server is needed; `TASKS_BACKEND` can name another backend.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Personal API tokens (django-rest-knox): hashed at rest, expiring, dead once the password
# they were issued under changes, a few live ones per person.
KNOX_TOKEN_MODEL = "api.ApiToken"
# knox's own migrations create its stock token table even when the model is swapped; the
# portal's token lives in api.ApiToken alone, so knox's migrations are not run.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
API_TOKEN_LIMIT = env.int("API_TOKEN_LIMIT", default=10)
# Seconds an integrator's endpoint has to answer an event before the delivery is retried.
WEBHOOK_TIMEOUT = env.int("WEBHOOK_TIMEOUT", default=5)
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
}

# The HTTP API under /api/v1/: personal tokens (or the signed-in session), the same permission
# rules as the pages, JSON errors in Chinese.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.PinganSchema",
    "EXCEPTION_HANDLER": "api.errors.handle_exception",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "平安村(社区)创建考评平台 API",
    "DESCRIPTION": (
        "村(社区)自评、镇级考核、市级抽查复核、称号与案事件。每个用户持有自己的令牌"
        "(请求头 Authorization: Token …)，只能看到和办理其职责范围内的事项。"
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        f"{model}{field.title()}Enum": f"{app}.models.{model}.{field.title()}"
        for app, model, field in (
            ("villages", "Region", "level"),
            ("villages", "Village", "kind"),
            ("assessments", "Standard", "kind"),
            ("assessments", "Standard", "status"),
            ("assessments", "Criterion", "kind"),
            ("assessments", "Campaign", "status"),
            ("assessments", "Assessment", "kind"),
            ("assessments", "Assessment", "status"),
            ("assessments", "Title", "kind"),
            ("assessments", "Title", "status"),
            ("assessments", "Incident", "status"),
            ("assessments", "RectificationOrder", "status"),
        )
    }
    | {"OfficialDocumentKindEnum": "assessments.models.OfficialDocument.KIND_CHOICES"},
}
