"""
Query budgets: the exact number of SQL queries a request runs, the same however
many rows it shows. Each app's budgets are in tests/<app>/test_query_budgets.py;
this module is the one way they are measured and checked.

    # GET url (it must answer 200), add rows, GET it again: 8 queries both times.
    small, large = assert_budget(client, url, 8, add_fifty_articles)
    # Anything that is not one GET: the block runs exactly 0 queries.
    with exact_queries(0):
        ...

Where views are measured, the page cache must be off (settings.PAGE_CACHE_ENABLED
= False), or a second GET is a cache hit and runs none.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext


def _listing(queries: CaptureQueriesContext) -> str:
    return "\n".join(f"  {n}. {query['sql']}" for n, query in enumerate(queries, start=1))


@contextmanager
def exact_queries(budget: int, using: str = DEFAULT_DB_ALIAS) -> Iterator[CaptureQueriesContext]:
    """The block runs exactly ``budget`` queries on the ``using`` database."""
    with CaptureQueriesContext(connections[using]) as queries:
        yield queries
    assert len(queries) == budget, f"{len(queries)} queries, budget {budget}:\n{_listing(queries)}"


def _get(client, url: str) -> tuple[CaptureQueriesContext, str]:
    """The queries one GET of ``url`` runs (it must answer 200), and the page's text."""
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return queries, response.content.decode()


def assert_budget(client, url: str, budget: int, *grow: Callable[[], object]) -> list[str]:
    """
    GET ``url``, then again after each ``grow()`` in turn (each adds rows): every
    GET runs exactly ``budget`` queries, so the count does not grow with the rows.
    Returns the page's text of each GET, first to last.
    """
    measured, pages = [], []
    for step in (None, *grow):
        if step is not None:
            step()
        queries, html = _get(client, url)
        measured.append(queries)
        pages.append(html)
    counts = [len(queries) for queries in measured]
    if counts != [budget] * len(counts):
        over = next(queries for queries in measured if len(queries) != budget)
        raise AssertionError(
            f"GET {url}: {counts} queries, the first with the fewest rows; budget {budget} "
            f"every time. The first GET off budget ran:\n{_listing(over)}"
        )
    return pages
