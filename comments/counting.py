"""
Counting comments for the moderators' screens without reading millions of rows.

Pending, spam and trashed comments are counted exactly: each status has a small
partial index (Comment.Meta.indexes), read by an index-only scan. Approved
comments, and all of them, are counted exactly up to COUNT_LIMIT; above it the
count is PostgreSQL's estimate of the table's rows (the planner's own figure)
less the exact others, shown as "about 1.8 million". The changelist's paginator
(QueuePaginator) also counts at most COUNT_LIMIT rows.
"""

from django.db import connections
from django.db.models import CharField, Count, Value

from comments.models import Comment
from posts.pagination import BoundedPaginator, count_up_to

# Above this many rows a count is "more than ..." or an estimate.
COUNT_LIMIT = 10_000
EXACT_STATUSES = [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH]


def estimated_rows(model, using: str) -> int | None:
    """
    PostgreSQL's estimate of the rows in ``model``'s table as its planner makes
    it (reltuples per page at the last ANALYZE times the pages now), or None on
    other databases and for a table never analyzed.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples / relpages"
            " * (pg_relation_size(oid) / current_setting('block_size')::integer)"
            " FROM pg_class WHERE oid = %s::regclass AND relpages > 0 AND reltuples >= 0",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return round(row[0]) if row else None


def about(number: int) -> str:
    """``number`` to two significant digits: "about 1.8 million", "about 240,000"."""
    if number >= 1_000_000:
        return f"about {number / 1_000_000:.1f} million"
    return f"about {round(number, 2 - len(str(number))):,}"


def status_counts(using: str = "default") -> dict[str, str]:
    """
    The number of comments of each status, and of all ("all"), as the queue's
    filter shows them: exact, except approved and all when more than
    COUNT_LIMIT comments are approved on PostgreSQL ("about 1.8 million").
    Two queries; a third (the estimate) above the limit.
    """
    postgresql = connections[using].vendor == "postgresql"
    comments = Comment.objects.using(using).order_by()
    exact = [
        comments.filter(status=status)
        .values(label=Value(status, output_field=CharField()))
        .annotate(count=Count("*"))
        for status in EXACT_STATUSES
    ]
    counts = {row["label"]: row["count"] for row in exact[0].union(*exact[1:], all=True)}
    shown = {status: f"{count:,}" for status, count in counts.items()}
    others = sum(counts.values())
    approved_comments = comments.filter(status=Comment.Status.APPROVED)
    if postgresql:
        approved = count_up_to(approved_comments, COUNT_LIMIT)
    else:
        approved = approved_comments.count()  # exact: a small site's
    if approved <= COUNT_LIMIT or not postgresql:
        shown[Comment.Status.APPROVED] = f"{approved:,}"
        shown["all"] = f"{others + approved:,}"
        return shown
    total = estimated_rows(Comment, using)
    if total is None or total - others <= COUNT_LIMIT:
        # Never analyzed, or the statistics are behind: all that is known.
        shown[Comment.Status.APPROVED] = f"more than {COUNT_LIMIT:,}"
        shown["all"] = f"more than {others + COUNT_LIMIT:,}"
    else:
        shown[Comment.Status.APPROVED] = about(total - others)
        shown["all"] = about(total)
    return shown


class QueuePaginator(BoundedPaginator):
    """
    The queue's paginator: it counts and pages at most COUNT_LIMIT comments
    (above them ``truncated`` is set, and the pages say "more than"), a page's
    rows found by their ids first (posts.pagination).
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, limit=COUNT_LIMIT)
