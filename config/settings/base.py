"""Settings for every machine; what differs between machines comes from the environment.

Variables (documented in README.md and deploy/env.example): DATABASE_URL, DATA_DIR,
SECRET_KEY, DEBUG, ALLOWED_HOSTS, the HTTPS and proxy switches, RECORDING_MAX_BYTES,
RECORDING_MAX_SECONDS, TASK_BACKEND…
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from config import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else int(value)


# Off unless asked for: the debug page shows settings and the environment to anyone.
DEBUG = env_bool("DEBUG", False)

# Uploads, derivatives, the SQLite file and (later) model weights live here, never
# inside the code packages.
DATA_DIR = Path(os.environ.get("DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# From the environment, or made once per install into the data folder (config/secret_key.py).
SECRET_KEY = os.environ.get("SECRET_KEY") or secret_key.load_or_create(DATA_DIR / "secret_key")

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
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything else that may answer: a visitor's cached page skips sessions, routing
    # and rendering, and carries the headers the stack below gave it (heritage/page_cache.py).
    "heritage.page_cache.PageCacheMiddleware",
    # Outside everything that may answer, so refusals and error pages carry the policy too.
    "config.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, whose slash redirect turns a PUT to a wrong address into a 500.
    "heritage.middleware.MalformedRequestMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Wagtail's one-image admin views ask the consent gate too (issue 10).
    "heritage.admin_gate.AdminImageGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout answer.
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
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
# Where a sign-in lands when no safe `next` is given: each role's own start (heritage/accounts.py).
LOGIN_REDIRECT_URL = "/accounts/profile/"

# Brute force on both sign-in forms (the site's and Wagtail's admin, both Django's
# LoginView): django-axes, database handler (shared by every gunicorn worker), keyed on
# username and address together, because a village shares one NAT address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "heritage.errors.locked_out"
AXES_CLIENT_IP_CALLABLE = "heritage.middleware.client_ip"
AXES_VERBOSE = False

# HTTPS and the proxy in front. Defaults suit the plain-http demo on 127.0.0.1; production
# sets them (deploy/env.example) and `manage.py check --deploy` then has nothing to say.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
# Behind nginx (deploy/nginx), which overwrites X-Forwarded-Proto and X-Forwarded-For: only
# then may they be believed, otherwise any client could claim HTTPS or another address.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Wagtail's preview frames itself with its own per-view override; nothing else may be framed.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp 4). Public pages: scripts from our static files only;
# a template that truly needs an inline script reads `request.csp_nonce` and NONCE turns
# into its nonce (otherwise django-csp drops it). Inline styles stay allowed (a kit-board
# tool carries a <style> block; styles cannot run code). The recorder plays back blobs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail admin (config/csp.py): its widgets still print inline <script> blocks
# (wagtail#12940) and cannot know a nonce, and a nonce would make browsers ignore
# 'unsafe-inline'; its preview frames the site from /admin/ itself.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
    }
}
ADMIN_URL_PREFIX = "/admin/"
WAGTAIL_GRAVATAR_PROVIDER_URL = None

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
    # Hashed names (cached for ever by browsers) once collected; plain names for runserver.
    "staticfiles": {
        "BACKEND": "config.static_storage.StaticFilesStorage"
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
RECORDING_STATION_HOOKS = "heritage.station.rules.StationHooks"
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
# The glossary's second hearing: a stretch that sounds like glossary terms decoded again with
# a prompt of them (media/transcription/service.py, guarded by leakage.py). Off: on the demo
# recordings the spelling rules alone scored 6.3 % CER against 6.5 % with it, at a quarter of
# the time, and real speech outside the domain scored the same (bench/asr_real.py, README).
TRANSCRIPTION_GLOSSARY_PROMPT = env_bool("TRANSCRIPTION_GLOSSARY_PROMPT", False)
# The anonymous visitors' page cache (heritage/page_cache.py): how long an entry may live at
# most; 0 turns it off. Its key reads the consent tables on every request (a bulk update or a
# dated withdrawal shows on the next one), so it is on by default.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
TRANSCRIBE_ON_UPLOAD = env_bool("TRANSCRIBE_ON_UPLOAD", True)

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
# The one sync path (search/sync.py): each app says which document keys are its own.
SEARCH_DOCUMENT_SYNC = ["heritage.search_documents.documents_for", "stories.search_documents.documents_for"]

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# The periodic jobs `manage.py run_scheduler` runs (heritage/scheduler.py): a command line
# and its interval in seconds. A command not installed yet is skipped with a warning.
SCHEDULED_COMMANDS = [
    ("consent_sweep", 60),
    ("recover_tasks", 60),  # jobs a killed worker left running (heritage/task_recovery.py)
    ("fixity", 7 * 86400),
    ("recorder_uploads --clean", 86400),
]
# How often the scheduler looks whether something is due (seconds).
SCHEDULER_POLL_SECONDS = 15

# A refused CSRF check answers like every other refusal (heritage/errors.py).
CSRF_FAILURE_VIEW = "heritage.errors.csrf_failure"

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
# Facilitators publish (approve) directly; Wagtail's default "Moderators approval" workflow
# would add an English-named, unused submit-for-moderation step to every page (issue 14).
WAGTAIL_WORKFLOW_ENABLED = False
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
        # django-axes logs every sign-in at INFO; lockouts come at WARNING.
        "axes": {"level": "WARNING"},
    },
}

# Consent applied by search at query time (issue 10): the narrators whose documents an
# audience may not find now, asked of heritage on every search, suggestion and count.
SEARCH_EXCLUDED_SUBJECTS = "heritage.consent.excluded_search_subjects"

# Behind nginx: media the gate allowed is handed to nginx's internal location with this
# prefix (X-Accel-Redirect, see media/serving.py); empty means Django streams it.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")
