"""
Settings for strategist, read from the environment.

Development needs no variables at all: SQLite in the project folder, a cache
in that database, email printed to the console. Production sets ``DEBUG=0`` and at
least ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``; a missing
``SECRET_KEY`` with ``DEBUG`` off stops the start-up with a clear message.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable: 1, true, yes and on (any case) mean yes."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from exc


def url_origin(url: str) -> str | None:
    """The scheme and host of an absolute URL (``//host/`` means https), None for a path."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    if url.startswith("//") and parts.netloc:
        return f"https://{parts.netloc}"
    return None


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the site refuses to start without a "
            "secret key: set the SECRET_KEY environment variable to a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A form refused for its CSRF token says why in plain words and gives a
# reader's comment back.
CSRF_FAILURE_VIEW = "posts.views.csrf_failure"

INSTALLED_APPS = [
    # The admin with the publication's name and its technical models apart
    # (security.admin_site.PublicationAdminSite).
    "security.admin_site.PublicationAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_recaptcha",
    "csp",
    "axes",
    # Background tasks (email): django.tasks's backport and its database backend.
    "django_tasks",
    "django_tasks_db",
    # Revisions of articles (posts.revisions): every save a version, compare, restore.
    "reversion",
    # The article body's rich-text editor (its bundled JS/CSS as static files).
    "django_prose_editor",
    "posts",
    "comments",
    "wordpress",
    # The site menu (header and footer), after posts: it adds to posts' Editors group.
    "menus",
    "pagecache",
    "security",
    "autosave",
    # The daily jobs apps register (maintenance.register_daily): `manage.py run_daily_jobs`.
    "maintenance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "security.middleware.CSPMiddleware",
    "security.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "security.middleware.DatabaseUnavailableMiddleware",
    # Takes Vary: Cookie off public pages (added by the session middleware below).
    "pagecache.middleware.PublicResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "wordpress.middleware.LegacyRedirectMiddleware",
    "pagecache.routers.ReplicaPinMiddleware",
    "pagecache.middleware.PageCacheMiddleware",
]
# The benchmark counts SQL queries per request (X-Query-Count header).
if env_bool("QUERY_COUNT_HEADER", False):
    MIDDLEWARE.insert(0, "pagecache.querycount.QueryCountMiddleware")

ROOT_URLCONF = "strategist.urls"
WSGI_APPLICATION = "strategist.wsgi.application"

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
                "posts.context_processors.site",
                "menus.context_processors.menu",
            ],
        },
    },
]

# Database: SQLite in the project by default, anything dj-database-url reads
# (postgres://user@host:5432/name for PostgreSQL through psycopg 3) when set.
# DB_POOL=1 (PostgreSQL only) keeps a psycopg connection pool in each process
# instead of one persistent connection; Django refuses a pool together with
# persistent connections, so CONN_MAX_AGE is 0 then. DATABASE_REPLICA_URL adds a
# read replica: pagecache.routers sends reads there, except for a reader who has
# just posted (pinned to the primary for REPLICA_PIN_SECONDS).
DB_POOL = env_bool("DB_POOL", False)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0 if DB_POOL else env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=not DB_POOL,
    )
}
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=0 if DB_POOL else env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=not DB_POOL,
        test_options={"MIRROR": "default"},
    )
    DATABASE_ROUTERS = ["pagecache.routers.PrimaryReplicaRouter"]
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
if DB_POOL:
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _database.setdefault("OPTIONS", {})["pool"] = {
                "min_size": env_int("DB_POOL_MIN_SIZE", 1),
                "max_size": env_int("DB_POOL_MAX_SIZE", 4),
                "timeout": env_int("DB_POOL_TIMEOUT", 10),
            }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# On PostgreSQL each query of the search page may run this long (statement_timeout);
# a search that takes longer answers 503, "try again" (posts.views.SearchView).
SEARCH_TIMEOUT_MS = env_int("SEARCH_TIMEOUT_MS", 1000)

# Cache, chosen by CACHE_BACKEND (default: redis when REDIS_URL is set, else database):
# - redis: Redis at REDIS_URL, shared by every process and server;
# - database: Django's DatabaseCache, a table (CACHE_TABLE) in the site's own
#   database, shared by every process using it (the site, `manage.py shell`,
#   cron commands), so a change made by one is seen by the page cache of all;
#   `manage.py createcachetable` makes the table (bin/run does);
# - locmem: each process's own memory (the test suite's, tests/conftest.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "").strip().lower() or (
    "redis" if REDIS_URL else "database"
)
if CACHE_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("CACHE_BACKEND=redis needs REDIS_URL.")
    CACHES = {
        "default": {
            # Django's RedisCache, sharing one redis-py client per pool.
            "BACKEND": "pagecache.backends.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "strategist"),
            # An unreachable Redis costs a request at most this long per call
            # (the site then works without it: pagecache.backends).
            "OPTIONS": {
                "socket_connect_timeout": env_float("REDIS_TIMEOUT_SECONDS", 1.0),
                "socket_timeout": env_float("REDIS_TIMEOUT_SECONDS", 1.0),
            },
        }
    }
elif CACHE_BACKEND == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": os.environ.get("CACHE_TABLE", "strategist_cache"),
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        }
    }
elif CACHE_BACKEND == "locmem":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "strategist",
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_BACKEND must be redis, database or locmem, not {CACHE_BACKEND!r}."
    )
# CACHE_DISABLED=1 turns every cache off (the benchmark's "cold" run): a dummy
# cache backend and no page cache.
CACHE_DISABLED = env_bool("CACHE_DISABLED", False)
if CACHE_DISABLED:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Page cache (pagecache): anonymous readers' article and list pages are
# kept in the cache above and dropped precisely when what they show changes.
# Several servers need a shared cache (REDIS_URL, or one shared database) for it.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True) and not CACHE_DISABLED
# The longest a page stays in the server's cache (invalidation ends it sooner).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# max-age and s-maxage sent with public pages, for browsers and CDNs.
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)
# stale-while-revalidate sent with public pages: how long past s-maxage a front
# cache may serve the old copy while it fetches the new one.
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 30)
# Cookies that carry no personal state; any other cookie bypasses the cache.
PAGE_CACHE_IGNORED_COOKIES = env_list("PAGE_CACHE_IGNORED_COOKIES", [])
# Front caches purged when pages change (pagecache.frontends; README "Caching").
FRONT_CACHES: dict[str, dict] = {}
# Comma-separated: every nginx (one per app server, say) is purged.
for number, location in enumerate(env_list("FRONT_CACHE_NGINX_URL", [])):
    FRONT_CACHES[f"nginx{number or ''}"] = {
        "BACKEND": "pagecache.frontends.NginxBackend",
        "LOCATION": location,
    }
if os.environ.get("FRONT_CACHE_VARNISH_URL"):
    FRONT_CACHES["varnish"] = {
        "BACKEND": "pagecache.frontends.VarnishBackend",
        "LOCATION": os.environ["FRONT_CACHE_VARNISH_URL"],
    }
if os.environ.get("FRONT_CACHE_CLOUDFLARE_ZONE_ID"):
    FRONT_CACHES["cloudflare"] = {
        "BACKEND": "pagecache.frontends.CloudflareBackend",
        "ZONE_ID": os.environ["FRONT_CACHE_CLOUDFLARE_ZONE_ID"],
        "API_TOKEN": os.environ.get("FRONT_CACHE_CLOUDFLARE_API_TOKEN", ""),
    }
if os.environ.get("FRONT_CACHE_CLOUDFRONT_DISTRIBUTION_ID"):
    FRONT_CACHES["cloudfront"] = {
        "BACKEND": "pagecache.frontends.CloudFrontBackend",
        "DISTRIBUTION_ID": os.environ["FRONT_CACHE_CLOUDFRONT_DISTRIBUTION_ID"],
    }
# The public address purged pages are named by (default SITE_URL).
FRONT_CACHE_SITE_URL = os.environ.get("FRONT_CACHE_SITE_URL", "")
# Seconds each purge call may take; a purge is sent again this much later.
FRONT_CACHE_TIMEOUT = env_float("FRONT_CACHE_TIMEOUT", 2.0)
FRONT_CACHE_REPURGE_SECONDS = env_float("FRONT_CACHE_REPURGE_SECONDS", 2.0)

# django-axes' lockout check runs before the password is tested (see AXES_* below).
AUTHENTICATION_BACKENDS = [
    "security.middleware.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# Static files (served by WhiteNoise, compressed and hashed in production) and
# uploaded media (under MEDIA_ROOT, or any storage configured in STORAGES).
STATIC_URL = os.environ.get("STATIC_URL", "/static/")
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Without collectstatic (development, tests) WhiteNoise serves what the
# finders see, fixed here from DEBUG at start-up because the test runner turns
# DEBUG off later; with DEBUG off it serves STATIC_ROOT, filled by collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
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
# STORAGE_BACKEND=s3 keeps uploaded media in S3 or any S3-compatible object
# storage through django-storages (pip install "strategist[s3]"), configured by
# AWS_STORAGE_BUCKET_NAME, AWS_S3_REGION_NAME, AWS_S3_ENDPOINT_URL,
# AWS_S3_CUSTOM_DOMAIN and the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY pair
# (or the server's IAM role). Every app server then sees the same media.
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem").strip().lower()
if STORAGE_BACKEND == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            key: value
            for key, value in {
                "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
                "region_name": os.environ.get("AWS_S3_REGION_NAME"),
                "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL"),
                "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN"),
                "location": os.environ.get("AWS_LOCATION", "media"),
                "default_acl": None,
                "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
                "file_overwrite": False,
            }.items()
            if value is not None or key == "default_acl"
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND must be filesystem or s3, not {STORAGE_BACKEND!r}."
    )

# Uploads: the largest featured image accepted, in bytes and in pixels.
MAX_IMAGE_UPLOAD_BYTES = env_int("MAX_IMAGE_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

# Email: printed to the console in development, SMTP from the environment otherwise.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A mail server that accepts the connection and then hangs must not hold a
# reader's comment post (moderators are emailed while it is answered).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "strategist@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The public address of the site, used in links sent by email.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background tasks (every email: moderators, confirmations, reply notifications).
# "immediate" runs them in the process that enqueues them (development, tests:
# bin/run needs nothing else); "database" stores them for `manage.py db_worker`
# (production: any number of workers on any number of machines).
TASKS_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = (os.environ.get("TASKS_BACKEND") or "immediate").strip().lower()
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be immediate or database, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}
# Attempts for each email before a task gives up (retried with backoff).
EMAIL_TASK_ATTEMPTS = env_int("EMAIL_TASK_ATTEMPTS", 5)

# reCAPTCHA: v3 (invisible, score based) unless RECAPTCHA_VERSION=2.
# Without keys, Google's published test keys are used (development only).
RECAPTCHA_PUBLIC_KEY = os.environ.get(
    "RECAPTCHA_PUBLIC_KEY", "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI"
)
RECAPTCHA_PRIVATE_KEY = os.environ.get(
    "RECAPTCHA_PRIVATE_KEY", "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe"
)
RECAPTCHA_VERSION = env_int("RECAPTCHA_VERSION", 3)
RECAPTCHA_REQUIRED_SCORE = env_float("RECAPTCHA_REQUIRED_SCORE", 0.5)
RECAPTCHA_VERIFY_REQUEST_TIMEOUT = env_int("RECAPTCHA_VERIFY_REQUEST_TIMEOUT", 5)
# The host serving reCAPTCHA's script and verification (www.recaptcha.net
# where www.google.com is blocked); the Content-Security-Policy follows it.
RECAPTCHA_DOMAIN = os.environ.get("RECAPTCHA_DOMAIN", "www.google.com")
# Google's test keys (above) are only the development default: with DEBUG off,
# django-recaptcha's system check refuses them (an error naming
# RECAPTCHA_PUBLIC_KEY/RECAPTCHA_PRIVATE_KEY in `check`, `check --deploy` and
# every command that runs the checks, such as migrate); with DEBUG on it is quiet.
SILENCED_SYSTEM_CHECKS = ["django_recaptcha.recaptcha_test_key_error"] if DEBUG else []

# Comment abuse limits: one comment per COMMENTS_FLOOD_SECONDS per IP address
# (HTTP 429 beyond it); a comment posted less than COMMENTS_MIN_SECONDS_TO_POST
# seconds after its form was loaded is kept as spam.
COMMENTS_FLOOD_SECONDS = env_int("COMMENTS_FLOOD_SECONDS", 15)
COMMENTS_MIN_SECONDS_TO_POST = env_float("COMMENTS_MIN_SECONDS_TO_POST", 3)

# Client IP: REMOTE_ADDR, unless the site runs behind this many trusted
# proxies that each append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins from one
# client IP, or for one username from anywhere, further attempts are refused
# (HTTP 429) for AXES_COOLOFF_MINUTES. Attempts are kept in the database, so
# every app server sharing it enforces the same lockout whether or not Redis is
# configured, evicting cache keys cannot lift a lockout, and the attempts are
# listed in the admin. A successful login clears the failures that led to it.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "comments.ip.get_client_ip"
AXES_RESET_ON_SUCCESS = True

# Privacy: commenters' IP addresses and user agents are erased this many days
# after the comment was submitted by the daily job (`manage.py run_daily_jobs`,
# cron; `purge_commenter_ips` runs this one alone).
COMMENT_IP_RETENTION_DAYS = env_int("COMMENT_IP_RETENTION_DAYS", 30)
# Articles and pages moved to the trash are deleted for good (with their
# comments) this many days later, by the same daily job.
TRASH_RETENTION_DAYS = env_int("TRASH_RETENTION_DAYS", 30)

# Security: secure cookies, HSTS and HTTPS redirect whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# Content-Security-Policy (django-csp, csp.middleware.CSPMiddleware): scripts,
# styles, fonts and images from this site and from STATIC_URL/MEDIA_URL when
# they are on another domain, reCAPTCHA's script and frames from
# RECAPTCHA_DOMAIN, nothing inline except a script carrying the response's
# nonce (``<script nonce="{{ request.csp_nonce }}">``, in the policy only of a
# response that used it), no plugins, no framing by anyone. Uploaded media
# served by the site add ``sandbox`` (security.middleware.serve_media).
_static_origins = [origin for origin in [url_origin(STATIC_URL)] if origin]
_media_origins = [origin for origin in [url_origin(MEDIA_URL)] if origin]
# An imported WordPress site whose images are explicitly left at their old
# address (hosts, comma-separated, e.g. "old.example.org"): article bodies may
# show images from there (markup.html.own_image_url) and the CSP lets them load.
WORDPRESS_KEEP_REMOTE_IMAGES_FROM = [
    host.lower() for host in env_list("WORDPRESS_KEEP_REMOTE_IMAGES_FROM", [])
]
_kept_image_hosts = [f"https://{host}" for host in WORDPRESS_KEEP_REMOTE_IMAGES_FROM] + [
    f"http://{host}" for host in WORDPRESS_KEEP_REMOTE_IMAGES_FROM
]
_recaptcha = f"https://{RECAPTCHA_DOMAIN}/recaptcha/"
# Google's reCAPTCHA also frames from recaptcha.google.com.
_recaptcha_frames = [_recaptcha] + (
    ["https://recaptcha.google.com/recaptcha/"] if RECAPTCHA_DOMAIN == "www.google.com" else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [
            SELF,
            *_static_origins,
            _recaptcha,
            "https://www.gstatic.com/recaptcha/",
            NONCE,
        ],
        "style-src": [SELF, *_static_origins],
        "img-src": [SELF, "data:", *_static_origins, *_media_origins, *_kept_image_hosts],
        "font-src": [SELF, *_static_origins],
        "connect-src": [SELF, _recaptcha],
        "frame-src": _recaptcha_frames,
        "media-src": [SELF, *_media_origins],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Each daily job's line (what it purged) reaches cron's log.
    "loggers": {"maintenance": {"level": "INFO"}},
}
