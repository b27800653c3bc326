import secrets

import pytest

from tests.security import servers

REDIS_DB_URL = "redis://127.0.0.1:6379/5"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "servers: starts gunicorn processes against the test database (PostgreSQL)"
    )


@pytest.fixture(scope="session")
def servers_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("servers")


@pytest.fixture(scope="session")
def static_root(servers_dir):
    return servers.collect_static(servers_dir)


@pytest.fixture(scope="session")
def fake_recaptcha(servers_dir):
    fake = servers.FakeRecaptcha(servers_dir)
    yield fake
    fake.stop()


@pytest.fixture
def serve(transactional_db, servers_dir, static_root, fake_recaptcha, request):
    """
    Start gunicorns on the test database: ``serve(redis=True, **env)``.
    Stopped (the processes this fixture started, by pid) after the test.
    """
    started: list[servers.Gunicorn] = []
    used_redis: list[bool] = []
    prefix = f"sectest-{secrets.token_hex(4)}"

    def start(*, redis: bool = False, workers: int = 2, threads: int = 4, **env: str):
        values = {
            "DATABASE_URL": servers.database_url(),
            "STATIC_ROOT": str(static_root),
            "RECAPTCHA_DOMAIN": fake_recaptcha.domain,
            "SSL_CERT_FILE": str(fake_recaptcha.cert),
            "TRUSTED_PROXY_COUNT": "1",
            "DB_CONN_MAX_AGE": "60",
        }
        if redis:
            used_redis.append(True)
            servers.require_redis(REDIS_DB_URL)
            values.update(REDIS_URL=REDIS_DB_URL, CACHE_KEY_PREFIX=prefix)
        values.update(env)
        log = servers_dir / f"{request.node.name[:60]}-{len(started)}.log"
        server = servers.Gunicorn(
            servers.server_environment(**values), workers=workers, threads=threads, log=log
        )
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
    if used_redis:
        import redis

        connection = redis.Redis.from_url(REDIS_DB_URL)
        for key in connection.scan_iter(f"{prefix}:*"):
            connection.delete(key)
    if any("Traceback" in s.output() for s in started):
        # Surface server-side tracebacks of a failing test in the report.
        print("\n".join(s.output() for s in started))  # noqa: T201


@pytest.fixture
def browse(browser, live_server):
    """
    A fresh context of the session's Chromium (tests/playwright_fixtures.py) on
    the live server, with the XSS watchers: returns (page, watcher).
    """
    from tests.security.browser import Watcher, open_context

    context = open_context(browser, live_server.url)
    page = context.new_page()
    watcher = Watcher()
    watcher.attach(page)
    yield page, watcher
    context.close()
