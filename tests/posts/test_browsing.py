"""Browsing: the tag index at /tags/ and the tags of the home page's summaries."""

import re

import pytest
from django.test import Client

from comments.models import DiscussionSettings
from posts.models import Article, SiteSettings
from tests.factories import ArticleFactory, TagFactory
from tests.posts.test_query_budgets import LIST_PAGE_QUERIES, MENU_QUERIES
from tests.query_budget import assert_budget

pytestmark = pytest.mark.django_db

# The masthead, the tags with their counts (one query), the menu.
TAG_INDEX_QUERIES = 2 + MENU_QUERIES


def index_entries(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<li><a href="/tag/[^"]+/">([^<]+)</a> <span class="archive-count">([^<]+)<', html
    )


def test_the_tag_index_lists_tags_with_published_articles_alphabetically_with_counts(client):
    zebra, apple, banana = (
        TagFactory(name="zebra"),
        TagFactory(name="Apple"),
        TagFactory(name="banana"),
    )
    unused, draft_only = TagFactory(name="Unused"), TagFactory(name="Drafts only")
    ArticleFactory(tags=[zebra, apple])
    ArticleFactory(tags=[apple, banana])
    ArticleFactory(tags=[apple])
    ArticleFactory(tags=[draft_only, zebra], status=Article.Status.DRAFT)
    response = client.get("/tags/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tags</h1>" in html
    assert index_entries(html) == [
        ("Apple", "3 articles"),
        ("banana", "1 article"),
        ("zebra", "1 article"),
    ]
    assert unused.name not in html and draft_only.name not in html


def test_a_scheduled_article_does_not_count_until_its_time(client):
    from django.utils import timezone

    tag = TagFactory(name="Later")
    ArticleFactory(tags=[tag], pub_date=timezone.now() + timezone.timedelta(days=1))
    assert "Later" not in client.get("/tags/").content.decode()


def test_an_empty_site_says_nothing_is_published(client):
    assert "Nothing has been published yet." in client.get("/tags/").content.decode()


def test_the_tag_index_is_cached_and_redrawn_when_a_tag_changes(settings):
    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.load()
    DiscussionSettings.load()
    tag = TagFactory(name="Polling")
    ArticleFactory(tags=[tag])
    assert Client().get("/tags/")["X-Page-Cache"] == "miss"
    assert Client().get("/tags/")["X-Page-Cache"] == "hit"


def test_the_tag_index_costs_the_same_for_1_and_40_tags(settings):
    settings.PAGE_CACHE_ENABLED = False
    SiteSettings.load()
    ArticleFactory(tags=[TagFactory()])

    def add_39_tags_on_60_articles():
        tags = TagFactory.create_batch(39)
        for n in range(60):
            ArticleFactory(tags=tags[n % 39 : n % 39 + 3])

    _, many = assert_budget(Client(), "/tags/", TAG_INDEX_QUERIES, add_39_tags_on_60_articles)
    assert len(index_entries(many)) == 40


def test_the_tag_index_is_in_the_sitemaps_pages_section(client):
    xml = client.get("/sitemap-pages.xml").content.decode()
    assert "<loc>http://testserver/tags/</loc>" in xml


def test_the_home_pages_summaries_show_their_tags(client):
    ArticleFactory(
        title="Tagged one",
        tags=[TagFactory(name="Turnout", slug="turnout"), TagFactory(name="Polls", slug="polls")],
    )
    ArticleFactory(title="Untagged one")
    html = client.get("/").content.decode()
    summaries = dict(
        re.findall(r'<article class="summary">.*?>([^<]+)</a></h2>(.*?)</article>', html, re.S)
    )
    assert re.search(
        r'<p class="tags summary-tags">Tags: <a href="/tag/polls/" rel="tag">Polls</a>, '
        r'<a href="/tag/turnout/" rel="tag">Turnout</a></p>',
        summaries["Tagged one"],
    )
    assert "summary-tags" not in summaries["Untagged one"]


def test_the_home_page_shows_tags_without_a_query_per_article(settings):
    settings.PAGE_CACHE_ENABLED = False
    SiteSettings.load()
    DiscussionSettings.load()
    ArticleFactory(tags=[TagFactory()])
    _, ten = assert_budget(
        Client(),
        "/",
        LIST_PAGE_QUERIES["home"],
        lambda: [ArticleFactory(tags=TagFactory.create_batch(3)) for _ in range(9)],
    )
    assert ten.count('class="tags summary-tags"') == 10
