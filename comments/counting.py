"""
Counting comments for the moderators' screens without reading millions of rows.

Pending, spam and trashed comments are counted exactly: each status has a small
partial index (Comment.Meta.indexes), read by an index-only scan. Approved
comments, and all of them, are counted exactly up to COUNT_LIMIT; above it the
count is PostgreSQL's estimate of the table's rows (the planner's own figure)
less the exact others, shown as "about 1.8 million". The changelist's paginator
(QueuePaginator) also counts at most COUNT_LIMIT rows.
"""

from datetime import UTC, datetime

from django.db import connections
from django.db.models import CharField, Count, DateTimeField, Subquery, Value
from django.db.models.functions import Coalesce

from comments.models import Comment, ModeratorVisit
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


# Never looked at the Spam view: all of it is new.
NEVER = datetime(2000, 1, 1, tzinfo=UTC)
NEW_SPAM = "new_spam"


def _count_branch(queryset, label: str):
    return queryset.values(label=Value(label, output_field=CharField())).annotate(count=Count("*"))


def _new_spam_branch(comments, user_id: int):
    """
    Spam received since this user last opened the Spam view (ModeratorVisit),
    all spam when never: a range of the spam partial index, the visit read once.
    """
    seen = Coalesce(
        Subquery(ModeratorVisit.objects.filter(user_id=user_id).values("spam_seen_at")[:1]),
        Value(NEVER),
        output_field=DateTimeField(),
    )
    return _count_branch(comments.filter(status=Comment.Status.SPAM, submitted__gt=seen), NEW_SPAM)


def moderator_counts(user_id: int, using: str = "default") -> dict[str, int]:
    """
    For the admin's navigation: {"pending": N, "new_spam": M}, the comments
    awaiting moderation and the spam received since this moderator last looked.
    One query, two index-only counts.
    """
    comments = Comment.objects.using(using).order_by()
    pending = _count_branch(comments.filter(status=Comment.Status.PENDING), Comment.Status.PENDING)
    rows = pending.union(_new_spam_branch(comments, user_id), all=True)
    return {row["label"]: row["count"] for row in rows}


def status_counts(using: str = "default", new_spam_for: int | None = None) -> dict[str, str]:
    """
    The number of comments of each status, and of all ("all"), as the queue's
    filter shows them: exact, except approved and all when more than
    COUNT_LIMIT comments are approved on PostgreSQL ("about 1.8 million").
    Two queries; a third (the estimate) above the limit. With ``new_spam_for``
    (a user's id) also "new_spam", counted in the same first query (see
    moderator_counts).
    """
    postgresql = connections[using].vendor == "postgresql"
    comments = Comment.objects.using(using).order_by()
    exact = [_count_branch(comments.filter(status=status), status) for status in EXACT_STATUSES]
    if new_spam_for is not None:
        exact.append(_new_spam_branch(comments, new_spam_for))
    counts = {row["label"]: row["count"] for row in exact[0].union(*exact[1:], all=True)}
    new_spam = counts.pop(NEW_SPAM, None)
    shown = {status: f"{count:,}" for status, count in counts.items()}
    if new_spam is not None:
        shown[NEW_SPAM] = new_spam
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
