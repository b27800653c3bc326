"""
No public page reads a large table whole (PostgreSQL): every query of the
home page, deep pages, tag, author, source and archive pages, search, feeds,
the sitemap and a busy article is served by an index. See tests/query_plans.py.
"""

import pytest
from django.db import connection

from tests.query_plans import build_publication, captured_queries, unindexed_queries

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="query plans are PostgreSQL's (EXPLAIN)"
    ),
]


@pytest.fixture
def publication(settings):
    settings.PAGE_CACHE_ENABLED = False
    return build_publication()


def public_pages(publication) -> list[str]:
    busy = publication["busy"]
    oldest = publication["articles"][-1]
    return [
        "/",
        "/page/2/",
        "/page/100/",
        publication["tag"].get_absolute_url(),
        publication["tag"].get_absolute_url() + "page/5/",
        publication["author"].get_absolute_url(),
        "/source/politico/",
        f"/{oldest.pub_date.year}/",
        "/search/?q=democratic+majority",
        "/search/?q=nothingmatchesthis",
        "/search/?q=democratic+majority&page=3",
        "/feed/",
        "/feed/atom/",
        publication["tag"].get_absolute_url() + "feed/",
        "/feed/comments/",
        busy.get_absolute_url(),
        busy.get_absolute_url() + "feed/",
        oldest.get_absolute_url(),
        "/sitemap.xml",
        "/robots.txt",
    ]


def test_every_public_page_is_served_by_indexes(client, publication):
    offenders = {}
    for url in public_pages(publication):
        with captured_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found = unindexed_queries(queries)
        if found:
            offenders[url] = found
    assert offenders == {}
