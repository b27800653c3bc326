"""
Scale-out settings read from the environment: Redis cache, the cold switch,
PostgreSQL pooling, the read replica, S3 media storage and the time limits on
calls to Redis and the mail server. Each case imports
the settings module in a fresh interpreter with the variables set.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/15"

READ_SETTINGS = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({
    "caches": settings.CACHES,
    "page_cache": settings.PAGE_CACHE_ENABLED,
    "databases": {
        alias: {key: db.get(key) for key in ("ENGINE", "NAME", "CONN_MAX_AGE", "OPTIONS", "TEST")}
        for alias, db in settings.DATABASES.items()
    },
    "routers": getattr(settings, "DATABASE_ROUTERS", []),
    "storages": settings.STORAGES,
    "email_timeout": settings.EMAIL_TIMEOUT,
}, default=str))
"""


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "REDIS_URL",
            "CACHE_BACKEND",
            "CACHE_TABLE",
            "CACHE_DISABLED",
            "PAGE_CACHE_ENABLED",
            "DB_POOL",
            "DATABASE_URL",
            "DATABASE_REPLICA_URL",
            "STORAGE_BACKEND",
            "REDIS_TIMEOUT_SECONDS",
            "EMAIL_TIMEOUT",
        }
    }
    environment.update(DJANGO_SETTINGS_MODULE="strategist.settings", **env)
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env=environment,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(**env: str) -> dict:
    result = run_python(READ_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def reachable(url: str) -> bool:
    code = (
        "import sys, psycopg, redis\n"
        f"url = {url!r}\n"
        "try:\n"
        "    (redis.Redis.from_url(url).ping() if url.startswith('redis') "
        "else psycopg.connect(url, connect_timeout=2).close())\n"
        "except Exception:\n"
        "    sys.exit(1)\n"
    )
    return run_python(code).returncode == 0


def test_database_cache_without_redis():
    """Every process of the machine (the site, manage.py shell, cron) sees the same cache."""
    found = settings_with()
    cache = found["caches"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache["LOCATION"] == "strategist_cache"
    assert found["page_cache"] is True


def test_cache_backend_chooses_the_cache():
    local = settings_with(CACHE_BACKEND="locmem", REDIS_URL=REDIS)["caches"]["default"]
    assert local["BACKEND"].endswith("LocMemCache")
    database = settings_with(CACHE_BACKEND="database", CACHE_TABLE="other_cache")
    assert database["caches"]["default"]["LOCATION"] == "other_cache"
    redis = settings_with(CACHE_BACKEND="redis", REDIS_URL=REDIS)["caches"]["default"]
    assert redis["BACKEND"] == "pagecache.backends.SharedClientRedisCache"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CACHE_BACKEND": "memcached"}, "CACHE_BACKEND must be redis, database or locmem"),
        ({"CACHE_BACKEND": "redis"}, "CACHE_BACKEND=redis needs REDIS_URL"),
    ],
)
def test_cache_misconfiguration_is_a_clear_startup_error(env, message):
    result = run_python(READ_SETTINGS, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_the_suite_itself_runs_on_a_memory_cache():
    """tests/conftest.py: the query counts asserted across the suite have no cache queries."""
    from django.conf import settings
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert isinstance(caches["default"], LocMemCache)


def test_redis_url_switches_the_cache_to_redis():
    found = settings_with(REDIS_URL=REDIS)
    cache = found["caches"]["default"]
    assert cache["BACKEND"] == "pagecache.backends.SharedClientRedisCache"
    assert cache["LOCATION"] == REDIS
    # An unreachable Redis holds a request for a bounded time (pagecache.backends).
    assert cache["OPTIONS"] == {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


def test_redis_timeout_is_a_setting():
    found = settings_with(REDIS_URL=REDIS, REDIS_TIMEOUT_SECONDS="0.25")
    options = found["caches"]["default"]["OPTIONS"]
    assert options == {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}


def test_mail_server_calls_are_bounded_in_time():
    assert settings_with()["email_timeout"] == 10
    assert settings_with(EMAIL_TIMEOUT="3")["email_timeout"] == 3


def test_cache_disabled_turns_every_cache_off():
    found = settings_with(REDIS_URL=REDIS, CACHE_DISABLED="1")
    assert found["caches"]["default"]["BACKEND"].endswith("DummyCache")
    assert found["page_cache"] is False


def test_page_cache_switch():
    assert settings_with(PAGE_CACHE_ENABLED="0")["page_cache"] is False


def test_persistent_connections_by_default():
    default = settings_with(DATABASE_URL=POSTGRES)["databases"]["default"]
    assert default["CONN_MAX_AGE"] == 60
    assert "pool" not in default["OPTIONS"]


def test_db_pool_uses_psycopg_pool_without_persistent_connections():
    default = settings_with(DATABASE_URL=POSTGRES, DB_POOL="1")["databases"]["default"]
    assert default["CONN_MAX_AGE"] == 0
    assert default["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10}


def test_db_pool_is_ignored_for_sqlite():
    default = settings_with(DB_POOL="1")["databases"]["default"]
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert "pool" not in default.get("OPTIONS", {})


@pytest.mark.skipif(not reachable(POSTGRES), reason="PostgreSQL on 127.0.0.1:5432 is not running")
def test_pooled_connection_really_works_on_postgresql():
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "for _ in range(3):\n"
        "    with connection.cursor() as cursor:\n"
        "        cursor.execute('SELECT 1')\n"
        "        assert cursor.fetchone() == (1,)\n"
        "    connection.close()  # returns the connection to the pool\n"
        "print(type(connection.pool).__name__)\n"
    )
    result = run_python(code, DATABASE_URL=POSTGRES, DB_POOL="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ConnectionPool"


def test_replica_url_adds_a_mirrored_replica_and_the_router():
    found = settings_with(DATABASE_URL=POSTGRES, DATABASE_REPLICA_URL=POSTGRES, DB_POOL="1")
    replica = found["databases"]["replica"]
    assert replica["TEST"]["MIRROR"] == "default"
    assert replica["OPTIONS"]["pool"]["max_size"] == 4
    assert found["routers"] == ["pagecache.routers.PrimaryReplicaRouter"]
    assert "replica" not in settings_with()["databases"]
    assert settings_with()["routers"] == []


def test_media_on_the_file_system_by_default():
    default = settings_with()["storages"]["default"]
    assert default["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_storage_backend_s3_configures_django_storages():
    default = settings_with(
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="strategist-media",
        AWS_S3_REGION_NAME="us-east-1",
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
    )["storages"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "strategist-media"
    assert default["OPTIONS"]["region_name"] == "us-east-1"
    assert default["OPTIONS"]["custom_domain"] == "media.example.org"
    assert default["OPTIONS"]["location"] == "media"
    assert default["OPTIONS"]["file_overwrite"] is False


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_BACKEND": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
        ({"STORAGE_BACKEND": "ftp"}, "filesystem or s3"),
    ],
)
def test_storage_misconfiguration_is_a_clear_startup_error(env, message):
    result = run_python(READ_SETTINGS, **env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.skipif(not reachable(REDIS), reason="Redis on 127.0.0.1:6379 is not running")
def test_shared_client_redis_cache_reuses_one_client_and_behaves_like_djangos():
    from pagecache.backends import SharedClientRedisCache

    # One prefix per process: CI runs the suite at several dates at once.
    cache = SharedClientRedisCache(REDIS, {"KEY_PREFIX": f"strategist-test-backend-{os.getpid()}"})
    try:
        assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
        cache.set("counter", 5)
        assert cache.incr("counter") == 6
        assert cache.add("counter", 1) is False
        cache.set("page", {"parts": [b"<p>", "csrf-token", b"</p>"]})
        assert cache.get("page") == {"parts": [b"<p>", "csrf-token", b"</p>"]}
        with pytest.raises(ValueError):
            cache.incr("missing")
    finally:
        cache.delete_many(["counter", "page"])
