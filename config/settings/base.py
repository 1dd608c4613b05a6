"""Settings for every machine; what differs between machines comes from the environment.

Variables (documented in README.md): DATABASE_URL, DATA_DIR, SECRET_KEY, DEBUG,
ALLOWED_HOSTS, RECORDING_MAX_BYTES, RECORDING_MAX_SECONDS, TASK_BACKEND.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)

# Uploads, derivatives, the SQLite file and (later) model weights live here, never
# inside the code packages.
DATA_DIR = Path(os.environ.get("DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for a developer's own machine: DEBUG on, nothing reachable from outside.
    SECRET_KEY = "insecure-development-key-libei-archive"

ALLOWED_HOSTS = [
    host.strip() for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if host.strip()
]

INSTALLED_APPS = [
    "heritage",
    "media",
    "search",
    "stories",
    "ledger",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
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
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "heritage.context_processors.roles",
                "heritage.context_processors.page_tools",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'archive.sqlite3'}",
        conn_max_age=600,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes. Search reads the FTS
    # index's pages for every match: mapping the file (256 MB) and a 64 MB page cache
    # spare a copy per page and brought the facilitator's one-word p95 under 30 ms.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA mmap_size=268435456; PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

AUTH_USER_MODEL = "heritage.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"

# Simplified Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even before collectstatic.
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "uploads"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o644

# Recordings: limits a facilitator can raise for long sessions.
RECORDING_MAX_BYTES = int(os.environ.get("RECORDING_MAX_BYTES", 1024**3))
RECORDING_MAX_SECONDS = float(os.environ.get("RECORDING_MAX_SECONDS", 4 * 3600))
# The recording station sends recordings in chunks of at most this size (media/uploads.py);
# what the station adds to a recording (narrator, consent) is heritage's business.
RECORDING_CHUNK_MAX_BYTES = 8 * 1024 * 1024
RECORDING_STATION_HOOKS = "heritage.station.StationHooks"
# Unfinished uploads untouched this many days are removed by `recorder_uploads --clean`.
RECORDING_STALE_DAYS = int(os.environ.get("RECORDING_STALE_DAYS", 7))
# Above this peak level (dBFS) a recording is not silent.
RECORDING_SILENCE_DBFS = -50.0
# Wagtail's own upload forms must accept a recording the size limit allows.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Transcription (see media/transcription). The default engine is the faster one at equal
# accuracy on this archive's material (bench/transcription.py).
TRANSCRIPTION_ENGINE = os.environ.get("TRANSCRIPTION_ENGINE", "faster-whisper")
TRANSCRIPTION_LANGUAGE = os.environ.get("TRANSCRIPTION_LANGUAGE", "zh")
WHISPER_MODEL_DIR = Path(os.environ.get("WHISPER_MODEL_DIR") or DATA_DIR / "models")
TRANSCRIBE_ON_UPLOAD = env_bool("TRANSCRIBE_ON_UPLOAD", True)
# Where the glossary comes from: media/ knows no app of ours, so it is named here.
TRANSCRIPTION_GLOSSARY = "heritage.glossary.prompt_terms"

# Search (see search/): the embedded SQLite FTS5 index, or Elasticsearch at scale.
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "embedded")
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
SEARCH_OPTIONS = {"elasticsearch": {"url": ELASTICSEARCH_URL, "index": os.environ.get("SEARCH_INDEX", "libei")}}
# search/ knows no app of ours: who is asking, and what there is to find, are named here.
SEARCH_AUDIENCE = "heritage.consent.audience_of"
SEARCH_AUDIENCES = ["public", "community", "facilitator"]
# Below every archive page: tools of other apps (each template decides whom it shows to).
ARCHIVE_PAGE_TOOLS = ["stories/includes/snippet_tools.html"]
TRANSCRIPT_EDITOR_TOOLS = ["stories/includes/editor_snippet_tool.html"]
SEARCH_DOCUMENT_SOURCES = ["heritage.search_documents.all_documents", "stories.search_documents.all_documents"]

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

WAGTAIL_SITE_NAME = "立碑村味道记忆 · Libei Heritage Archive"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "heritage.HeritageImage"
# The admin's own search: a Chinese-aware variant of Wagtail's database backend on
# SQLite and PostgreSQL (search/admin_spread.py); elsewhere Wagtail's as it is.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": {
            "django.db.backends.sqlite3": "search.admin_backend",
            "django.db.backends.postgresql": "search.admin_backend_postgres",
        }.get(DATABASES["default"]["ENGINE"], "wagtail.search.backends.database")
    }
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail logs every page action at INFO; the admin's history keeps them anyway.
    "loggers": {
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "faster_whisper": {"level": "WARNING"},
        # WeasyPrint reports each layout step at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}
