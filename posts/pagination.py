"""
Pagination that stays fast however long the list: the paginator counts at
most a bounded number of rows, and a page's rows are fetched ids first, so
that nothing is computed for the rows a deep page skips. Article lists stop at
MAX_PAGES pages; the moderators' queue uses the same paginator with its own
bound (comments.counting).
"""

from collections.abc import Callable
from functools import cached_property, lru_cache
from typing import get_type_hints

from django.core.paginator import Paginator

from prepared import PreparedQuery

# Lists show the newest MAX_PAGES pages; older articles are in the archive by month.
MAX_PAGES = 100


def count_up_to(queryset, limit: int) -> int:
    """
    The number of rows of ``queryset``, reading at most ``limit`` + 1 of them:
    SELECT COUNT(*) FROM (SELECT id ... LIMIT limit + 1), with no ordering and
    no annotations.
    """
    return queryset.order_by().values("pk")[: limit + 1].count()


class BoundedPaginator(Paginator):
    """
    A paginator of a queryset that never counts more than ``limit`` rows
    (``max_pages`` pages of rows, MAX_PAGES by default): ``count`` and
    ``num_pages`` stop at the bound, and ``truncated`` tells whether more rows
    lie beyond it. Pages past the bound do not exist.
    """

    def __init__(self, object_list, per_page, *args, max_pages=None, limit=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.limit = limit if limit is not None else self.per_page * (max_pages or MAX_PAGES)

    @cached_property
    def _bounded_count(self) -> int:
        return count_up_to(self.object_list, self.limit)

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.limit)

    @property
    def truncated(self) -> bool:
        """True when the list goes on past the last page shown."""
        return self._bounded_count > self.limit

    def page(self, number):
        """
        The page's rows in one query, the ids chosen first in a subquery
        (``WHERE id IN (SELECT id ... LIMIT 10 OFFSET n)``, read from an
        index): annotations such as comment counts, joins and per-row
        subqueries are computed for the page's rows only, not for the rows the
        offset skips.
        """
        number = self.validate_number(number)
        return self._get_page(page_rows(self.object_list, *self.bounds(number)), number, self)

    def bounds(self, number: int) -> tuple[int, int]:
        """The slice of the list that page ``number`` (a valid one) shows."""
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return bottom, top


def page_rows(queryset, bottom: int, top: int):
    """``queryset[bottom:top]``, the ids chosen first (BoundedPaginator.page)."""
    if queryset.query.distinct:  # A DISTINCT list's ids cannot be chosen alone.
        return queryset[bottom:top]
    return queryset.filter(pk__in=queryset.values("pk")[bottom:top])


class PreparedPaginator(BoundedPaginator):
    """
    A BoundedPaginator of ``build(**values)`` (the same list as
    ``object_list``), whose count and pages are prepared queries
    (``prepared``): compiled once per process, not on every render. For the
    lists every reader's cold render asks for, such as the home page.
    ``build``'s type hints declare its arguments' types.
    """

    def __init__(self, object_list, per_page, *args, build, values, **kwargs):
        self.build, self.values = build, values
        super().__init__(object_list, per_page, *args, **kwargs)

    def _check_object_list_is_ordered(self):
        """``build`` orders its list; ``object_list`` may be lazy (not built unless read)."""

    @cached_property
    def _bounded_count(self) -> int:
        return _prepared(self.build, count=self.limit)(**self.values)

    def page(self, number):
        number = self.validate_number(number)
        query = _prepared(self.build, page=self.bounds(number))
        return self._get_page(query(**self.values), number, self)


@lru_cache(maxsize=256)
def _prepared(build: Callable, *, count: int | None = None, page: tuple | None = None):
    """The prepared count (up to ``count``) or ``page`` (bottom, top) of ``build``'s list."""
    arguments = {name: kind for name, kind in get_type_hints(build).items() if name != "return"}
    if count is not None:
        return PreparedQuery(build, counted_up_to=count, **arguments)
    return PreparedQuery(lambda **values: page_rows(build(**values), *page), **arguments)
