"""SingleRowModel.load(): the one row, read with SQL compiled once per process."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import DiscussionSettings
from posts.models import SiteSettings

pytestmark = pytest.mark.django_db


def test_the_first_load_creates_the_row_with_the_defaults():
    assert not DiscussionSettings.objects.exists()

    settings_row = DiscussionSettings.load()

    assert settings_row.pk == 1
    assert DiscussionSettings.objects.count() == 1
    assert settings_row.has_default_values()


def test_each_load_reads_what_is_stored_now_with_python_types():
    DiscussionSettings.load()
    DiscussionSettings.objects.filter(pk=1).update(
        page_comments=True, comments_per_page=7, close_after_days=30
    )

    loaded = DiscussionSettings.load()

    # Booleans come back as bool on SQLite too (the field's converters ran).
    assert loaded.page_comments is True
    assert loaded.comments_per_page == 7
    assert loaded.close_after_days == 30
    assert loaded._state.adding is False and loaded._state.db == "default"


def test_a_loaded_row_saves_as_an_update():
    site = SiteSettings.load()
    site.name = "The Strategist"
    site.save()

    assert SiteSettings.objects.count() == 1
    assert SiteSettings.load().name == "The Strategist"


def test_a_load_is_one_query_once_the_row_exists():
    SiteSettings.load()
    DiscussionSettings.load()

    with CaptureQueriesContext(connection) as queries:
        SiteSettings.load()
        DiscussionSettings.load()

    assert len(queries) == 2
    assert all('"id" = 1' in query["sql"] or "id` = 1" in query["sql"] for query in queries)


def test_the_masthead_says_where_the_published_comment_policy_is():
    from tests.factories import PageFactory

    assert SiteSettings.load().comment_policy_url == ""
    policy = PageFactory(slug="comment-policy", path="comment-policy", status="draft")
    assert SiteSettings.load().comment_policy_url == ""

    policy.status = "published"
    policy.save()

    assert SiteSettings.load().comment_policy_url == "/comment-policy/"
