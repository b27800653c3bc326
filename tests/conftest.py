import pytest


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Every test writes uploads into its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


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
