"""
The sitemap: an index at /sitemap.xml (where robots.txt points) listing its
sections, each a file of at most its limit of URLs, every URL with a lastmod,
every published article exactly once.
"""

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.urls import resolve
from django.utils import timezone

from posts import sitemaps
from posts.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    OutletFactory,
    QuotationFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "http://testserver"


def parse(content):
    return ET.fromstring(content)  # noqa: S314 (our own sitemap)


def index_entries(client):
    """(address without the host, lastmod) of each entry of the index."""
    root = parse(client.get("/sitemap.xml").content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    return [
        (
            e.findtext("sm:loc", namespaces=NS).removeprefix(BASE),
            e.findtext("sm:lastmod", namespaces=NS),
        )
        for e in root.findall("sm:sitemap", NS)
    ]


def section_urls(client, address):
    """(loc, lastmod) of each URL of one sitemap file."""
    response = client.get(address)
    assert response.status_code == 200, address
    root = parse(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return [
        (e.findtext("sm:loc", namespaces=NS), e.findtext("sm:lastmod", namespaces=NS))
        for e in root.findall("sm:url", NS)
    ]


@pytest.fixture
def site():
    tag, author, outlet = TagFactory(slug="t"), AuthorFactory(slug="a"), OutletFactory(slug="o")
    published = [
        ArticleFactory(pub_date=datetime(2021, 1, 1, 3, tzinfo=UTC), tags=[tag]),  # Dec. 2020
        ArticleFactory(pub_date=datetime(2021, 1, 15, tzinfo=UTC), authors=[author]),
        ArticleFactory(pub_date=datetime(2021, 1, 16, tzinfo=UTC)),
        ArticleFactory(pub_date=datetime(2022, 7, 4, tzinfo=UTC)),
    ]
    QuotationFactory(article=published[3], outlet=outlet)
    draft = ArticleFactory(status=Article.Status.DRAFT, tags=[TagFactory(slug="drafty")])
    scheduled = ArticleFactory(pub_date=timezone.now() + timezone.timedelta(days=3))
    return {"published": published, "hidden": [draft, scheduled]}


def test_index_lists_every_section_and_every_month_from_the_first_article(client, site):
    entries = dict(index_entries(client))
    months = ["2020-12"] + [f"2021-{m:02d}" for m in range(1, 13)]
    months += [f"2022-{m:02d}" for m in range(1, 8)]
    assert set(entries) == {
        "/sitemap-pages.xml",
        "/sitemap-tags.xml",
        "/sitemap-authors.xml",
        "/sitemap-sources.xml",
        *(f"/sitemap-articles-{month}.xml" for month in months),
    }
    # A month without articles is an empty section.
    assert section_urls(client, "/sitemap-articles-2021-02.xml") == []


def test_an_empty_site_has_only_its_home_page(client):
    assert [address for address, _ in index_entries(client)] == [
        "/sitemap-pages.xml",
        "/sitemap-tags.xml",
        "/sitemap-authors.xml",
        "/sitemap-sources.xml",
    ]


def test_every_published_article_appears_exactly_once_with_a_lastmod(client, site):
    found = Counter()
    for address, _ in index_entries(client):
        for location, lastmod in section_urls(client, address):
            # The tag index has none, like the tags themselves (posts.sitemaps.GroupSitemap).
            if ("articles" in address or "pages" in address) and location != f"{BASE}/tags/":
                assert lastmod, location
            found[location] += 1
    articles = {BASE + a.get_absolute_url() for a in site["published"]}
    assert articles <= set(found)
    assert all(found[location] == 1 for location in found), found
    for hidden in site["hidden"]:
        assert BASE + hidden.get_absolute_url() not in found
    assert set(found) - articles == {
        f"{BASE}/",
        f"{BASE}/tags/",
        f"{BASE}/tag/t/",
        f"{BASE}/author/a/",
        f"{BASE}/source/o/",
    }


def test_article_lastmod_is_its_last_update_in_the_sites_time_zone(client, site):
    [(location, lastmod)] = section_urls(client, "/sitemap-articles-2020-12.xml")
    article = site["published"][0]
    assert location == BASE + article.get_absolute_url()
    assert lastmod == f"{timezone.localtime(article.updated):%Y-%m-%d}"


def test_groups_without_a_published_article_are_left_out(client, site):
    assert [loc for loc, _ in section_urls(client, "/sitemap-tags.xml")] == [f"{BASE}/tag/t/"]
    assert [loc for loc, _ in section_urls(client, "/sitemap-sources.xml")] == [f"{BASE}/source/o/"]


def test_files_hold_no_more_urls_than_the_protocol_allows():
    assert sitemaps.SECTION_LIMIT <= 50_000
    assert sitemaps.ArticleMonthSitemap.limit <= 50_000
    assert all(kind.limit <= 50_000 for kind in sitemaps.OTHER_SECTIONS.values())


def test_sections_longer_than_the_limit_are_split_into_pages(client, monkeypatch):
    monkeypatch.setattr(sitemaps.KnownSizeSitemap, "limit", 2)
    tags = [TagFactory() for _ in range(5)]
    ArticleFactory(tags=tags)
    addresses = [address for address, _ in index_entries(client)]
    section = "/sitemap-tags.xml"
    assert [a for a in addresses if a.startswith(section)] == [
        section,
        f"{section}?p=2",
        f"{section}?p=3",
    ]
    found = []
    for address in (section, f"{section}?p=2", f"{section}?p=3"):
        urls = section_urls(client, address)
        assert 1 <= len(urls) <= 2
        found += [location for location, _ in urls]
    assert sorted(found) == sorted(BASE + tag.get_absolute_url() for tag in tags)


def test_a_month_is_one_file_whatever_the_group_limit(client, monkeypatch):
    monkeypatch.setattr(sitemaps.KnownSizeSitemap, "limit", 2)
    articles = [ArticleFactory(pub_date=datetime(2021, 3, 10, n, tzinfo=UTC)) for n in range(5)]
    addresses = [address for address, _ in index_entries(client)]
    assert [a for a in addresses if "2021-03" in a] == ["/sitemap-articles-2021-03.xml"]
    urls = section_urls(client, "/sitemap-articles-2021-03.xml")
    assert sorted(location for location, _ in urls) == sorted(
        BASE + a.get_absolute_url() for a in articles
    )


@pytest.mark.parametrize(
    "address",
    ["/sitemap-nothing.xml", "/sitemap-articles-2021-13.xml", "/sitemap-articles-21-1.xml"],
)
def test_unknown_sections_are_404(client, address):
    assert client.get(address).status_code == 404


def test_robots_txt_points_at_the_index(client, site):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml\n" in text
    assert index_entries(client)


def test_sitemap_is_cached_until_posts_change_not_comments():
    """No scope: dropped by any change to posts (invalidate_all), not by a comment."""
    for address in ("/sitemap.xml", "/sitemap-tags.xml"):
        policy = resolve(address).func.page_cache_policy
        assert policy.scopes == () and not policy.own_page
    assert resolve("/sitemap-tags.xml").func.page_cache_policy.query == {"p"}
