import os

import pytest

# Chromium through Playwright for tests/browser and tests/security; tests/clock.py
# moves the whole session's clock to STRATEGIST_TEST_NOW when it is set.
pytest_plugins = ["tests.playwright_fixtures", "tests.clock"]

# The suite's cache is this process's memory, as if CACHE_BACKEND=locmem: the
# site's default without REDIS_URL, the database cache, would add queries to
# every page, and many tests count them. An explicit CACHE_BACKEND, REDIS_URL or
# CACHE_DISABLED is kept. (pytest-django has read the settings before any
# conftest is imported, so this overrides them, before the test database is made.)
SUITE_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "strategist",
    }
}


def pytest_configure(config):
    from django.conf import settings
    from django.test.utils import override_settings

    database_cache = "django.core.cache.backends.db.DatabaseCache"
    if (
        not os.environ.get("CACHE_BACKEND")
        and settings.CACHES["default"]["BACKEND"] == database_cache
    ):
        override_settings(CACHES=SUITE_CACHES).enable()


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Every test writes uploads into its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hasher(request, settings):
    """
    A fast hasher where passwords are made and checked in this process (the
    site's PBKDF2 takes most of a second a password on a small machine: two
    thirds of the time of tests/posts); the gunicorn tests (marked ``servers``)
    keep the real one, which the servers must be able to verify.
    """
    if request.node.get_closest_marker("servers") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_google(monkeypatch):
    """Google's reCAPTCHA siteverify, faked at the HTTP boundary (see tests/comment_helpers.py)."""
    from tests.comment_helpers import FakeGoogle

    fake = FakeGoogle()
    monkeypatch.setattr("django_recaptcha.client.recaptcha_request", fake)
    return fake
