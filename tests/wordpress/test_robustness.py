"""
Robustness of the WordPress import (issue 16, part 5): items without IDs,
exports that bring nothing, fields longer than our columns, and the old
addresses WordPress answered that are not posts (?cat=, ?author=, nested
categories, a post's feed and comment pages).
"""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import resolve
from django.utils import timezone

from comments.models import Comment
from posts.models import Article, Author, Tag
from wordpress.middleware import LegacyRedirectMiddleware
from wordpress.models import LegacyRedirect, WordPressTerm
from wordpress.wxr import HASHED_ID_BASE, Post, item_id

FIXTURES = Path(__file__).parents[1] / "fixtures" / "wordpress"
NO_IDS = FIXTURES / "no-ids.xml"
IMPORTS_NOTHING = FIXTURES / "imports-nothing.xml"
STRUCTURE = FIXTURES / "structure.xml"


def run_import(path: Path) -> str:
    out = io.StringIO()
    call_command("import_wordpress", str(path), stdout=out)
    return out.getvalue()


# Items without <wp:post_id> ------------------------------------------------


@pytest.mark.parametrize(
    ("guid", "link", "expected"),
    [
        ("https://s.example/?p=12", "https://s.example/a/", (12, "address")),
        ("https://s.example/a/", "https://s.example/?p=13&preview=true", (13, "address")),
        ("https://s.example/?page_id=14", "", (14, "address")),
        ("https://s.example/?attachment_id=15", "", (15, "address")),
    ],
)
def test_item_id_from_the_address(guid, link, expected):
    assert item_id(Post(guid=guid, link=link)) == expected


def test_item_id_from_a_stable_hash_of_the_link():
    first, source = item_id(Post(link="https://s.example/2023/08/linked/"))
    assert source == "hash" and first >= HASHED_ID_BASE
    assert item_id(Post(link="https://s.example/2023/08/linked/", guid="x")) == (first, "hash")
    assert item_id(Post(link="https://s.example/2023/08/other/"))[0] != first
    assert first < 2**63  # fits a BigIntegerField
    assert item_id(Post()) == (None, "")


def test_export_without_post_ids_imports_and_reimports_the_same(db):
    report = run_import(NO_IDS)
    assert "Articles: 2 imported" in report
    numbered = Article.objects.get(wordpress_id=12)
    assert numbered.title == "Numbered by its guid"
    assert Comment.objects.get(article=numbered).body == "A comment on an item without an ID."
    linked = Article.objects.get(title="Known by its link only")
    assert linked.wordpress_id >= HASHED_ID_BASE
    again = run_import(NO_IDS)
    assert "Articles: 0 imported, 0 updated, 2 unchanged" in again
    assert "Comments: 0 imported, 0 updated, 1 unchanged" in again
    assert Article.objects.count() == 2


# An export that brings nothing ---------------------------------------------


def test_non_empty_export_that_imports_nothing_fails_with_the_reason(db):
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_wordpress", str(IMPORTS_NOTHING), stdout=out)
    message = str(error.value)
    assert message.startswith("imports-nothing.xml: none of its 2 items was imported")
    assert "status “trash”" in message and "status “auto-draft”" in message
    assert message.endswith("Nothing was imported.")
    # The report is still shown, and nothing at all is written (not even the author).
    assert "skipped 1: status “trash”" in out.getvalue()
    assert not Author.objects.exists() and not LegacyRedirect.objects.exists()


def test_export_with_items_none_of_which_is_new_is_not_a_failure(db):
    run_import(NO_IDS)
    assert "2 unchanged" in run_import(NO_IDS)  # no CommandError


# Fields longer than our columns --------------------------------------------

LONG_WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Long</title><link>https://long.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>{login}</wp:author_login>
<wp:author_display_name>{name}</wp:author_display_name></wp:author>
<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug>long-tag</wp:tag_slug><wp:tag_name>{tag}</wp:tag_name></wp:tag>
<item><title>{title}</title><link>https://long.example.org/?p=5</link>
<dc:creator>{login}</dc:creator><content:encoded><![CDATA[Body.]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date_gmt>2024-01-05 10:00:00</wp:post_date_gmt>
<wp:post_name>long</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="post_tag" nicename="long-tag">{tag}</category>
</item></channel></rss>
"""


def test_fields_longer_than_the_columns_are_cut_with_a_warning(db, tmp_path):
    path = tmp_path / "long.xml"
    path.write_text(
        LONG_WXR.format(login="l" * 70, name="N" * 230, tag="T" * 266, title="Title " * 60)
    )
    report = run_import(path)
    article = Article.objects.get(wordpress_id=5)
    assert len(article.title) == 300
    author = Author.objects.get()
    assert author.wordpress_login == "l" * 60 and author.name == "N" * 200
    assert Tag.objects.get(slug="long-tag").name == "T" * 100
    assert WordPressTerm.objects.get(wordpress_slug="long-tag").wordpress_name == "T" * 200
    assert article.authors.get() == author
    assert "post 5 “Title Title" in report and "title is 359 characters long" in report
    assert "name is 230 characters long, more than the 200 kept; cut." in report
    assert "tag “long-tag”: name is 266 characters long, more than the 100 kept; cut." in report
    assert "is 70 characters long, more than the 60 kept; cut." in report
    assert report.count("tag “long-tag”") == 1  # once, not once per post using it
    assert "Articles: 0 imported, 0 updated, 1 unchanged" in run_import(path)


def test_a_266_character_category_name(db):
    """The case of the issue (a DataError on PostgreSQL): run this file on both databases."""
    report = run_import(STRUCTURE)
    assert "category “long-one”: name is 266 characters long" in report
    tag = Tag.objects.get(slug="long-one")
    assert len(tag.name) == 100 and tag.name.startswith("The very very")
    assert len(WordPressTerm.objects.get(wordpress_slug="long-one").wordpress_name) == 200


# Old addresses that are not posts ------------------------------------------


@pytest.fixture
def imported(small_export_imported):  # tests/wordpress/conftest.py
    return None


def assert_moved(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new


@pytest.mark.usefixtures("imported")
@pytest.mark.parametrize(
    ("old", "new"),
    [
        # A nested category by its own slug, as WordPress also answers it.
        ("/category/polling/", "/tag/polling/"),
        ("/category/strategy/polling/", "/tag/polling/"),
        ("/category/elections/feed/", "/tag/elections/feed/"),
        ("/?cat=4", "/tag/polling/"),
        ("/?cat=3", "/tag/strategy/"),
        # A post's feed: its comments feed, the post accepting comments.
        ("/why-turnout-matters/feed/", "/2024/05/why-turnout-matters/feed/"),
        ("/2024/05/14/why-turnout-matters/feed/", "/2024/05/why-turnout-matters/feed/"),
        ("/2024/05/14/why-turnout-matters/feed/atom/", "/2024/05/why-turnout-matters/feed/"),
        # Comments closed and none written: the article itself.
        ("/leap-day-column/feed/", "/2024/02/leap-day-column/"),
        (
            "/2024/05/14/why-turnout-matters/comment-page-3/",
            "/2024/05/why-turnout-matters/comment-page-3/",
        ),
        ("/why-turnout-matters/comment-page-2", "/2024/05/why-turnout-matters/comment-page-2/"),
    ],
)
def test_old_wordpress_addresses_redirect(client, old, new):
    assert_moved(client, old, new)


@pytest.mark.usefixtures("imported")
def test_author_query_address_and_targets_that_answer(client):
    maria = Author.objects.get(wordpress_login="maria")
    assert_moved(client, "/?author=1", maria.get_absolute_url())
    assert client.get(maria.get_absolute_url()).status_code == 200
    assert client.get("/2024/05/why-turnout-matters/feed/").status_code == 200
    assert resolve("/2024/05/why-turnout-matters/comment-page-2/").view_name == (
        "comments:comment-page"
    )


@pytest.mark.usefixtures("imported")
def test_unknown_addresses_stay_404_and_home_stays_home(client):
    assert client.get("/?cat=999").status_code == 200  # the home page, as WordPress's would
    assert client.get("/?cat=4x").status_code == 200
    assert client.get("/category/no-such/").status_code == 404
    assert client.get("/no-such-post/feed/").status_code == 404
    assert client.get("/no-such-post/comment-page-2/").status_code == 404


@pytest.mark.usefixtures("imported")
def test_trashed_article_feed_and_comment_pages_are_gone(client):
    article = Article.objects.get(wordpress_id=101)
    Article.objects.filter(pk=article.pk).update(trashed_at=timezone.now())
    assert client.get("/why-turnout-matters/feed/").status_code == 410
    assert client.get("/why-turnout-matters/comment-page-2/").status_code == 410


@pytest.mark.usefixtures("imported")
def test_lookups_cost_one_query_two_for_an_unknown_category(django_assert_num_queries, rf):
    with django_assert_num_queries(1):
        assert LegacyRedirectMiddleware.old_path_target("/why-turnout-matters/comment-page-2/")
    with django_assert_num_queries(1):
        assert LegacyRedirectMiddleware.old_path_target("/no-such/feed/") == ""
    with django_assert_num_queries(2):
        assert LegacyRedirectMiddleware.old_path_target("/category/polling/") == "/tag/polling/"
    with django_assert_num_queries(1):
        assert LegacyRedirectMiddleware.query_target(rf.get("/?cat=4&author=1"))
    with django_assert_num_queries(0):
        assert LegacyRedirectMiddleware.query_target(rf.get("/?s=cat")) == ""
