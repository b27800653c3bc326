from importlib import import_module
from types import SimpleNamespace

import pytest

# Chromium through Playwright for tests/browser and tests/security.
pytest_plugins = ["tests.playwright_fixtures"]

# Data migrations whose rows every test may rely on: (app, migration, function).
DATA_MIGRATIONS = [
    ("posts", "0003_editors_group", "create_editors"),
    ("comments", "0003_moderators_group", "create_moderators_group"),
]


@pytest.fixture(scope="session")
def _migrated_apps(django_db_setup, django_db_blocker):
    """The historical models at the end of the migration graph, built once."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    with django_db_blocker.unblock():
        return MigrationLoader(connection).project_state().apps


def restore_migration_data(apps, using="default"):
    """
    Run the data migrations' own functions again (they are idempotent), so the
    groups they create (Editors, Moderators) exist after a flush.
    """
    from django.db import connections

    schema_editor = SimpleNamespace(connection=connections[using])
    for app, migration, function in DATA_MIGRATIONS:
        getattr(import_module(f"{app}.migrations.{migration}"), function)(apps, schema_editor)


@pytest.fixture(autouse=True)
def _migration_data_after_flush(request):
    """
    Transactional tests (transaction=True, live_server) empty every table when
    they end, losing what data migrations made; put it back before each one.
    This replaces serialized_rollback, which fails (IntegrityError on content
    types) once a transactional test without it has run before it.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        restore_migration_data(request.getfixturevalue("_migrated_apps"))


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
