"""
Query plans on PostgreSQL: how many rows of each large table a query reads,
from ``EXPLAIN (ANALYZE, FORMAT JSON)`` run with sequential scans, hash joins
and merge joins disabled: the plan shows whether indexes can serve the query
at all, as PostgreSQL serves it at scale (on a test's few thousand rows,
reading a table whole into a hash is cheaper than looking rows up). A page is
"indexed" when no query reads a large table whole: no sequential scan of it
(there was no index to use), and no scan reading more than a quarter of its
rows (a full index scan, an index condition that selects everything, an
OFFSET walking past most of the table).

    with captured_queries() as queries:
        client.get(url)
    assert unindexed_queries(queries) == []
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

# The tables that grow with the publication: a scan of one of them grows too.
LARGE_TABLES = frozenset(
    {
        "posts_article",
        "posts_article_tags",
        "posts_article_authors",
        "posts_quotation",
        "comments_comment",
        "comments_holdreason",
    }
)
PLANNER_OFF = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")
# A scan reading more than this share of a table (and more than a few hundred rows) reads it whole.
WHOLE_SHARE = 0.25
FEW_ROWS = 500


@contextmanager
def captured_queries(using: str = DEFAULT_DB_ALIAS) -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connections[using]) as queries:
        yield queries


def _nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def plan(sql: str, using: str = DEFAULT_DB_ALIAS) -> dict:
    """
    The plan PostgreSQL runs for ``sql`` (a SELECT as captured, parameters
    inlined) when it looks rows up through indexes wherever it can, with the
    rows each node read.
    """
    with connections[using].cursor() as cursor:
        for setting in PLANNER_OFF:
            cursor.execute(f"SET {setting} = off")
        try:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            return cursor.fetchone()[0][0]["Plan"]
        finally:
            for setting in PLANNER_OFF:
                cursor.execute(f"RESET {setting}")


def rows_read(node: dict) -> float:
    """The rows a scan node looked at over all its loops, kept or filtered out."""
    per_loop = (
        node.get("Actual Rows", 0)
        + node.get("Rows Removed by Filter", 0)
        + node.get("Rows Removed by Index Recheck", 0)
    )
    return per_loop * node.get("Actual Loops", 1)


def _table_rows(tables: set[str], using: str) -> dict[str, float]:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'",
            [sorted(tables)],
        )
        return dict(cursor.fetchall())


def whole_table_reads(sql: str, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """How ``sql`` reads a large table whole, e.g. "Seq Scan on comments_comment"; [] if never."""
    rows = _table_rows(set(LARGE_TABLES), using)
    found = []
    for node in _nodes(plan(sql, using)):
        table = node.get("Relation Name")
        if table not in LARGE_TABLES:
            continue
        read = rows_read(node)
        if node["Node Type"] == "Seq Scan":
            found.append(f"Seq Scan on {table}")
        elif read > max(FEW_ROWS, WHOLE_SHARE * rows.get(table, 0)):
            found.append(
                f"{node['Node Type']} read {read:.0f} of {rows[table]:.0f} rows of {table}"
            )
    return found


def unindexed_queries(queries: CaptureQueriesContext, using: str = DEFAULT_DB_ALIAS) -> list:
    """The captured SELECTs that read a large table whole, each with how."""
    offenders = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        reads = whole_table_reads(sql, using)
        if reads:
            offenders.append((reads, sql))
    return offenders


def build_publication(articles: int = 5_000, comments: int = 50_000) -> dict:
    """
    A publication big enough for PostgreSQL to plan as it would at scale, made
    with bulk inserts and ANALYZEd: ``articles`` published one every 43 hours (25 years) with
    two of 50 tags (one on a fifth of them) and one of 20 authors, a draft and a scheduled article,
    ``comments`` comments (90 % approved, 5 % pending, 3 % spam, 2 % trash), half
    of them on 1 % of the articles. Returns the objects tests address.
    """
    from datetime import timedelta

    from django.utils import timezone

    from comments.models import Comment
    from posts.models import Article, Author, Outlet, Quotation, Tag

    now = timezone.now()
    tags = Tag.objects.bulk_create(Tag(name=f"Topic {n}", slug=f"topic-{n}") for n in range(50))
    authors = Author.objects.bulk_create(
        Author(name=f"Writer {n}", slug=f"writer-{n}") for n in range(20)
    )
    outlet = Outlet.objects.create(name="Politico", slug="politico")
    body = "Democratic majority strategy for the senate map.\n\nVoters decide turnout."
    made = Article.objects.bulk_create(
        Article(
            title=f"Article {n} on the democratic majority",
            slug=f"article-{n}",
            dek="Turnout and persuasion.",
            body=body,
            body_html="<p>Democratic majority strategy for the senate map.</p>",
            status=Article.Status.PUBLISHED,
            pub_date=now - timedelta(hours=1 + n * 43),
        )
        for n in range(articles)
    )
    Article.objects.bulk_create(
        [
            Article(title="A draft", slug="a-draft", body=body, status=Article.Status.DRAFT),
            Article(
                title="Scheduled",
                slug="scheduled",
                body=body,
                status=Article.Status.SCHEDULED,
                pub_date=now + timedelta(days=3),
            ),
        ]
    )
    # Two tags each; "Topic 1" on a fifth of the articles, as a publication's
    # biggest tags are.
    pairs = []
    for n, article in enumerate(made):
        first = 1 if n % 5 == 0 else n % len(tags)
        second = (first + 1 + (n // len(tags)) % (len(tags) - 1)) % len(tags)
        pairs += [(article, tags[first]), (article, tags[second])]
    Article.tags.through.objects.bulk_create(
        Article.tags.through(article=article, tag=tag) for article, tag in pairs
    )
    Article.authors.through.objects.bulk_create(
        Article.authors.through(article=article, author=authors[n % len(authors)])
        for n, article in enumerate(made)
    )
    Quotation.objects.bulk_create(
        Quotation(
            article=article,
            speaker="Gabriel Debenedetti",
            outlet=outlet,
            source_url="https://www.politico.com/",
            text="Democrats are rethinking where they campaign.",
            order=1,
        )
        for article in made[::10]
    )
    busy = made[: max(1, articles // 100)]
    statuses = [Comment.Status.APPROVED] * 90 + [Comment.Status.PENDING] * 5
    statuses += [Comment.Status.SPAM] * 3 + [Comment.Status.TRASH] * 2
    Comment.objects.bulk_create(
        (
            Comment(
                article=busy[n % len(busy)] if n % 2 else made[n % len(made)],
                author_name=f"Reader {n % 5_000}",
                author_email=f"reader{n % 5_000}@example.net",
                body="I agree with most of this.",
                body_html="<p>I agree with most of this.</p>",
                status=statuses[n % 100],
                submitted=now - timedelta(minutes=n),
            )
            for n in range(comments)
        ),
        batch_size=5_000,
    )
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"articles": made, "busy": busy[0], "tag": tags[1], "author": authors[0]}
