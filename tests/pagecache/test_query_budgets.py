"""
Query budget of the page cache: a page served from the cache runs no SQL at all
(tests/query_budget.py measures it). The views' own budgets, measured with the
cache off, are in tests/posts/ and tests/comments/, in test_query_budgets.py.
"""

import pytest
from django.test import Client

from tests.pagecache.conftest import get
from tests.query_budget import exact_queries

pytestmark = pytest.mark.django_db

CACHE_HIT_BUDGET = 0


def test_article_page_is_served_from_the_cache_without_queries(article):
    get(Client(), article.get_absolute_url())
    with exact_queries(CACHE_HIT_BUDGET):
        response = get(Client(), article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert "The suburban realignment" in response.content.decode()
