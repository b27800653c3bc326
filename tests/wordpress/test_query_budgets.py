"""
Query budget of the old-address middleware (wordpress/middleware.py): it runs
on every request, and looks an old WordPress address up only on a 404 or a
``?p=`` query on the home page (tests/query_budget.py measures it).
"""

import pytest
from django.http import HttpResponse, HttpResponseNotFound

from tests.query_budget import exact_queries
from wordpress.middleware import LegacyRedirectMiddleware

pytestmark = pytest.mark.usefixtures("small_export_imported")  # tests/wordpress/conftest.py

PAGE_FOUND_BUDGET = 0
LOOKUP_BUDGET = 1


def test_middleware_queries_only_for_404s_and_home_page_post_ids(rf):
    found = LegacyRedirectMiddleware(lambda request: HttpResponse("page"))
    missing = LegacyRedirectMiddleware(lambda request: HttpResponseNotFound("no"))
    with exact_queries(PAGE_FOUND_BUDGET):
        assert found(rf.get("/2024/05/why-turnout-matters/")).status_code == 200
        assert found(rf.get("/tag/turnout/?p=101")).status_code == 200
    with exact_queries(LOOKUP_BUDGET):
        assert missing(rf.get("/no-such-page/")).status_code == 404
    with exact_queries(LOOKUP_BUDGET):
        assert missing(rf.get("/why-turnout-matters/")).status_code == 301
    with exact_queries(LOOKUP_BUDGET):
        assert found(rf.get("/?p=101")).status_code == 301
