"""
Lists of articles at any length: the paginator counts at most MAX_PAGES pages of
rows, a page past them points to the archive, and the archive goes by year and
month (in the site's time zone), each month paginated like the home page.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from posts import pagination, queries
from posts.models import Article, ArticleQuerySet
from posts.pagination import BoundedPaginator
from posts.views import ARTICLES_PER_PAGE
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db


def add_articles(count, start=None, **kwargs):
    """``count`` published articles an hour apart, newest first from ``start``."""
    start = start or timezone.now() - timedelta(hours=1)
    return [
        ArticleFactory(title=f"Piece {n:03d}", pub_date=start - timedelta(hours=n), **kwargs)
        for n in range(count)
    ]


@pytest.fixture
def two_pages_at_most(monkeypatch):
    monkeypatch.setattr(pagination, "MAX_PAGES", 2)


def counts(queries):
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(")]


# The paginator


def test_paginator_counts_no_more_than_its_bound_plus_one_row():
    add_articles(25)
    paginator = BoundedPaginator(Article.objects.published().order_by("-pub_date"), 10, max_pages=2)
    with CaptureQueriesContext(connection) as queries:
        assert (paginator.count, paginator.num_pages, paginator.truncated) == (20, 2, True)
    [sql] = counts(queries)
    assert "LIMIT 21" in sql
    assert "ORDER BY" not in sql


def test_paginator_of_a_short_list_is_exact():
    add_articles(15)
    paginator = BoundedPaginator(Article.objects.published(), 10, max_pages=2)
    assert (paginator.count, paginator.num_pages, paginator.truncated) == (15, 2, False)
    assert [a.title for a in paginator.page(2)] == [f"Piece {n:03d}" for n in range(10, 15)]


@pytest.mark.parametrize("url", ["/", "/page/2/", "/tag/t/", "/search/?q=piece"])
def test_lists_never_count_past_the_bound(client, settings, url):
    settings.PAGE_CACHE_ENABLED = False
    add_articles(ARTICLES_PER_PAGE + 5, tags=[TagFactory(slug="t")])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    bounded = f"LIMIT {pagination.MAX_PAGES * ARTICLES_PER_PAGE + 1}"
    assert counts(queries), url
    assert all(bounded in sql for sql in counts(queries)), counts(queries)


def test_a_pages_rows_are_chosen_by_id_before_their_comment_counts(client, settings):
    """The comment counts are computed for the page's rows, never for the rows skipped."""
    settings.PAGE_CACHE_ENABLED = False
    add_articles(ARTICLES_PER_PAGE + 5)
    with CaptureQueriesContext(connection) as queries:
        client.get("/page/2/")
    [rows] = [q["sql"] for q in queries if "comments_comment" in q["sql"]]
    outer, _, inner = rows.partition(" IN (SELECT ")
    assert "OFFSET 10" in inner and "OFFSET" not in outer


# The bound


def test_the_last_page_links_to_the_month_of_its_last_article(client, two_pages_at_most):
    articles = add_articles(ARTICLES_PER_PAGE * 2 + 3)
    html = client.get("/page/2/").content.decode()
    assert "Page 2</span>" in html  # No "of 2": there are more.
    last = timezone.localtime(articles[ARTICLES_PER_PAGE * 2 - 1].pub_date)
    assert f'<a href="/{last:%Y/%m}/">Older articles: browse the archive from {last:%B %Y}' in html
    assert 'rel="next"' not in html


def test_a_list_within_the_bound_has_no_archive_link(client, two_pages_at_most):
    add_articles(ARTICLES_PER_PAGE * 2)
    html = client.get("/page/2/").content.decode()
    assert "Page 2 of 2" in html
    assert "browse the archive" not in html


@pytest.mark.parametrize("url", ["/page/3/", "/tag/t/page/3/", "/search/?q=piece&page=3"])
def test_a_page_past_the_bound_is_a_404_pointing_to_the_archive(client, two_pages_at_most, url):
    add_articles(ARTICLES_PER_PAGE * 2 + 3, tags=[TagFactory(slug="t")])
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Older articles are in the archive" in html
    assert 'href="/archives/"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_page_past_the_bound_needs_no_article_query(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/page/{pagination.MAX_PAGES + 1}/")
    assert response.status_code == 404
    assert not [q for q in queries if 'FROM "posts_article"' in q["sql"]]


def test_search_past_the_bound_says_more_than(client, two_pages_at_most):
    add_articles(ARTICLES_PER_PAGE * 2 + 1)
    html = client.get("/search/", {"q": "piece"}).content.decode()
    assert f"More than {ARTICLES_PER_PAGE * 2} articles found." in html


# The archive


def make(when, **kwargs):
    return ArticleFactory(pub_date=when, **kwargs)


def test_year_archive_counts_months_in_the_sites_time_zone(client, settings):
    assert settings.TIME_ZONE == "America/New_York"
    # 03:00 UTC on January 1st is still December 31st in New York.
    make(datetime(2021, 1, 1, 3, 0, tzinfo=UTC))
    make(datetime(2021, 1, 1, 5, 30, tzinfo=UTC))
    make(datetime(2021, 1, 20, tzinfo=UTC))
    make(datetime(2021, 3, 1, 4, 59, tzinfo=UTC))  # February 28th, 23:59 in New York.
    make(datetime(2021, 5, 5, tzinfo=UTC), status=Article.Status.DRAFT)
    html_2020 = client.get("/2020/").content.decode()
    assert (
        '<a href="/2020/12/">December 2020</a> <span class="archive-count">1 article<' in html_2020
    )
    response = client.get("/2021/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/2021/01/">January 2021</a> <span class="archive-count">2 articles<' in html
    assert '<a href="/2021/02/">February 2021</a> <span class="archive-count">1 article<' in html
    assert "/2021/03/" not in html and "/2021/05/" not in html
    assert "3 articles" in html  # The year's total.
    assert '<a href="/2020/">2020 &rarr;</a>' in html
    assert client.get("/2019/").status_code == 404


def test_archive_index_lists_the_years_from_the_first_article_to_the_latest(client):
    make(datetime(2019, 1, 1, 3, tzinfo=UTC))  # December 31st, 2018 in New York.
    make(datetime(2021, 6, 1, tzinfo=UTC))
    make(datetime(2022, 7, 1, tzinfo=UTC), status=Article.Status.DRAFT)
    html = client.get("/archives/").content.decode()
    years = [f'<li><a href="/{year}/">{year}</a></li>' for year in (2021, 2020, 2019, 2018)]
    assert "\n  ".join(years) in html
    assert "/2022/" not in html
    assert 'href="/archives/"' in client.get("/").content.decode()  # In the footer.


def test_month_archive_is_paginated_like_the_home_page(client):
    add_articles(ARTICLES_PER_PAGE + 3, start=datetime(2021, 6, 20, tzinfo=UTC))
    first = client.get("/2021/06/")
    html = first.content.decode()
    assert "Piece 000" in html and "Piece 009" in html and "Piece 010" not in html
    assert 'href="/2021/06/page/2/"' in html
    second = client.get("/2021/06/page/2/")
    assert second.status_code == 200
    html = second.content.decode()
    assert "Piece 010" in html and "Piece 012" in html and "Piece 009" not in html
    assert 'rel="prev" href="/2021/06/"' in html
    assert client.get("/2021/06/page/3/").status_code == 404
    assert client.get("/2021/07/").status_code == 404
    assert client.get("/2021/13/").status_code == 404


def test_month_archive_page_one_redirects_permanently_to_the_month(client):
    add_articles(1, start=datetime(2021, 6, 20, tzinfo=UTC))
    response = client.get("/2021/06/page/1/")
    assert response.status_code == 301
    assert response["Location"] == "/2021/06/"


def test_month_archive_links_to_the_nearest_months_with_articles(client):
    make(datetime(2021, 2, 10, tzinfo=UTC))
    make(datetime(2021, 6, 10, tzinfo=UTC))
    make(datetime(2021, 11, 10, tzinfo=UTC))
    make(datetime(2021, 12, 10, tzinfo=UTC), status=Article.Status.DRAFT)
    html = client.get("/2021/06/").content.decode()
    assert '<a href="/2021/02/">February 2021 &rarr;</a>' in html
    assert '<a href="/2021/11/">&larr; November 2021</a>' in html
    assert 'href="/2021/12/"' not in html
    assert 'href="/2021/">All of 2021</a>' in html


def test_prepared_paginator_gives_the_bounded_paginators_pages(two_pages_at_most):
    """The home page's paginator: the same count and pages, from queries compiled once."""
    # The newest article is an hour old at ``now``, however long making them takes.
    now = timezone.now()
    add_articles(25, start=now - timedelta(hours=1))
    listing = queries.published_listing(now)
    bounded = BoundedPaginator(listing, 10, max_pages=2)
    prepared = pagination.PreparedPaginator(
        listing,
        10,
        max_pages=2,
        orphans=3,
        build=queries.published_listing,
        values={"now": now},
    )

    assert (prepared.count, prepared.num_pages, prepared.truncated) == (20, 2, True)
    for number in (1, 2):
        assert list(prepared.page(number)) == list(bounded.page(number))
        assert [a.comment_count for a in prepared.page(number)] == [0] * 10
    # Seen an hour earlier, the list is one article shorter.
    earlier = pagination.PreparedPaginator(
        listing,
        10,
        max_pages=3,
        build=queries.published_listing,
        values={"now": now - timedelta(hours=1, seconds=1)},
    )
    assert (earlier.count, earlier.truncated) == (24, False)
    assert [a.title for a in earlier.page(1)][:1] == ["Piece 001"]


@pytest.mark.parametrize("url", ["/", "/tag/t/"])
def test_lists_build_their_queryset_only_to_prepare_their_queries(
    client, settings, monkeypatch, url
):
    """Once prepared, a cold home or tag page runs their SQL without building a queryset again."""
    settings.PAGE_CACHE_ENABLED = False
    add_articles(3, tags=[TagFactory(slug="t")])
    builds = []
    build = ArticleQuerySet.with_comment_counts
    monkeypatch.setattr(
        ArticleQuerySet, "with_comment_counts", lambda self: builds.append(1) or build(self)
    )
    client.get(url)  # prepares the count and the first page (if this process has not yet)

    builds.clear()
    response = client.get(url)

    assert [a.title for a in response.context["articles"]] == [
        "Piece 000",
        "Piece 001",
        "Piece 002",
    ]
    assert builds == []
