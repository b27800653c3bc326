"""
The default cache with no REDIS_URL is Django's database cache in the site's
own database, shared by every process of the machine: a change made from
`manage.py shell` (or any management command) is seen at once by the running
site's page cache.

This runs the real thing in other processes, as `bin/run` does: a fresh SQLite
database in a temporary folder, migrate, createcachetable and load_demo, then
gunicorn (two worker processes) serving it with no cache variable set.
"""

import html
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.security.servers import BASE_DIR, Gunicorn

# The test process's own choices (tests/conftest.py) are not the site's defaults.
NOT_INHERITED = ("DJANGO_", "DATABASE", "REDIS", "CACHE", "PAGE_CACHE", "PYTEST", "SITE_URL")


@pytest.fixture(autouse=True)
def _page_cache_on():
    """
    Replaces conftest.py's fixture of that name: the site runs in other processes,
    on its own defaults and database, so this process's settings and rows are not used.
    """


@pytest.fixture
def site_env(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(NOT_INHERITED)}
    env.update(
        DJANGO_SETTINGS_MODULE="strategist.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def manage(env, *args, timeout=300) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def test_a_change_from_manage_py_shell_is_seen_by_the_running_site(site_env, tmp_path):
    manage(site_env, "migrate", "--noinput", "-v", "0")
    manage(site_env, "createcachetable")
    manage(site_env, "createcachetable")  # idempotent: bin/run runs it every time
    manage(site_env, "load_demo")
    found = manage(
        site_env,
        "shell",
        "-c",
        "from django.conf import settings; from posts.models import Article; "
        "article = Article.objects.published().order_by('pk').first(); "
        "print(settings.CACHES['default']['BACKEND']); "
        "print(article.pk); print(article.get_absolute_url()); print(article.title)",
        timeout=120,
    )
    backend, pk, path, title = found.strip().splitlines()[-4:]
    assert backend == "django.core.cache.backends.db.DatabaseCache"

    server = Gunicorn(site_env, workers=2, threads=2, log=tmp_path / "gunicorn.log")
    try:
        reader = server.client()
        # Served from the cache within three requests (two workers, one cache).
        # The very first article page of a fresh site is not kept: reading the
        # discussion settings creates their row, a change that drops every page.
        seen = []
        for _ in range(3):
            page = reader.get(path)
            assert page.status == 200, server.output()
            assert html.escape(title) in page.text
            seen.append(page.headers.get("x-page-cache"))
            if seen[-1] == "hit":
                break
        assert seen[-1] == "hit", seen
        with sqlite3.connect(tmp_path / "db.sqlite3") as db:
            (stored,) = db.execute("SELECT COUNT(*) FROM strategist_cache").fetchone()
        assert stored > 0  # the page is kept in the site's own database

        new_title = "Retitled from another process"
        manage(
            site_env,
            "shell",
            "-c",
            "from posts.models import Article; "
            f"article = Article.objects.get(pk={int(pk)}); "
            f"article.title = {new_title!r}; article.save()",
            timeout=120,
        )
        after = reader.get(path)
        assert after.status == 200
        assert new_title in after.text, after.headers
        assert html.escape(title) not in after.text
        assert "Traceback" not in server.output()
    finally:
        server.stop()
