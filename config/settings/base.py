"""Township settings: wiring only, no business rules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, DEV_SECRET_KEY, database_config, env_bool, env_int, env_str

SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
# Off unless asked for: scripts/demo.sh sets DEBUG=true; production uses config/settings/production.py.
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "pgtrigger",
    "township.core",
    "township.org",
    "township.cases",
    "township.enforcement",
    "township.subjects",
    "township.credit",
    "township.certificates",
    "township.catalog",
    "township.approval",
    "township.web",
    "township.grid",
    "township.audit",
    "township.opinions",
    "township.hotline",
    "township.petitions",
    "township.mediation",
    "township.command",
    "township.field",
    "township.cameras",
    "township.party",
    "township.downloads",
    "township.system",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "township.audit.context.AuditContextMiddleware",  # actor and IP of the operation log
    "township.web.middleware.PasswordPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "township.system.context_processors.holiday_year_warning",
            ],
        },
    }
]

DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
# One sign-in policy for every door (shell, applicant form, /admin/login/): lock, failure count, login log,
# forced change (township/web/security.py; django-axes was evaluated and not used, docs/ui.md).
AUTHENTICATION_BACKENDS = ["township.web.security.PolicyBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    # 等保 level 3: ≥ 8 characters from 3 of 4 classes, no reuse of the last 5 (township/web/security.py).
    {"NAME": "township.web.security.ComplexityValidator", "OPTIONS": {"min_length": 8, "min_classes": 3}},
    {"NAME": "township.web.security.HistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Store UTC, show Asia/Shanghai.
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm at install time (see package.json); never copied into the repo.
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "node_modules")]
MEDIA_ROOT = BASE_DIR / env_str("MEDIA_DIR", "media")
MEDIA_URL = "/media-not-served/"

SESSION_COOKIE_AGE = 30 * 60  # 等保: 30-minute idle logout
SESSION_SAVE_EVERY_REQUEST = True

# Case engine
TOWNSHIP_ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
TOWNSHIP_ATTACHMENT_TYPES = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "video/mp4",  # short videos as field evidence (issue 15)
    "video/quicktime",  # the same from an iPhone's camera (.mov, an ISO-BMFF file with the QuickTime brand)
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
]
# Warning levels: share of the allowed time already used when the case turns yellow / red.
TOWNSHIP_WARNING_YELLOW = 0.6
TOWNSHIP_WARNING_RED = 0.85
# Field positions (officers, grid workers): how many days tracks are kept before the worker purges them.
TOWNSHIP_POSITION_RETENTION_DAYS = env_int("POSITION_RETENTION_DAYS", 30)
# Basemap under the grid polygons (issue 15): an XYZ/WMTS tile URL template of the deployment (天地图 WMTS with its
# key, or a local tile server), e.g. "https://t{s}.tianditu.gov.cn/vec_w/wmts?...&tk=KEY"; empty = no tiles, the
# grids, roads and villages are drawn from the project's own GeoJSON.
TOWNSHIP_MAP_TILE_URL = env_str("MAP_TILE_URL", "")
TOWNSHIP_MAP_TILE_SUBDOMAINS = env_str("MAP_TILE_SUBDOMAINS", "")
TOWNSHIP_MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
# Video call with an officer: a standard WebRTC service's room URL; "{room}" is replaced by the room name
# (e.g. "https://meet.example.gov.cn/{room}" for a Jitsi deployment). Empty = no call button.
TOWNSHIP_VIDEO_CALL_URL = env_str("VIDEO_CALL_URL", "")
# The hall's waiting-time standard (minutes): tickets called within it count for 窗口及时叫号率 (考核).
TOWNSHIP_QUEUE_WAIT_MINUTES = env_int("QUEUE_WAIT_MINUTES", 20)
# Office hours for working-hour deadlines (local time).
TOWNSHIP_OFFICE_HOURS = [("08:30", "12:00"), ("14:00", "17:30")]
# Certificates: the key that encrypts the seal private keys (falls back to SECRET_KEY) and the public
# base address printed in QR codes of certificates (the verification page).
TOWNSHIP_SEAL_MASTER_KEY = env_str("SEAL_MASTER_KEY", "")
TOWNSHIP_PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Personal data (resident IDs, phone numbers): the key of SM4 encryption and of the SM3 blind index
# (township/core/crypto.py). Empty → derived from SECRET_KEY, development only (check --deploy warns).
TOWNSHIP_PERSONAL_DATA_KEY = env_str("PERSONAL_DATA_KEY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

SITE_NAME = _("乡镇综合治理平台")
