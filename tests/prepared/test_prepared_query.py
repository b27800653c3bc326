"""
PreparedQuery: a queryset compiled once per process, run with new values:
the same rows as the queryset would give, one query per call, and a clear
refusal of a build it cannot prepare.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from comments.models import DiscussionSettings
from posts.models import Article
from prepared import PreparedQuery, reads_utc_timestamps
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2027, 3, 14, 12, 0, tzinfo=UTC)


def published_titled(now, title):
    return Article.objects.published(now).filter(title=title)


@pytest.fixture
def articles():
    return [
        ArticleFactory(title="Early", slug="early", pub_date=NOON - timedelta(days=2)),
        ArticleFactory(title="Late", slug="late", pub_date=NOON + timedelta(days=2)),
        ArticleFactory(title="Late", slug="late-draft", status=Article.Status.DRAFT),
    ]


def test_model_rows_are_the_querysets_own(articles):
    query = PreparedQuery(published_titled, now=datetime, title=str)

    for now in (NOON, NOON + timedelta(days=3)):
        for title in ("Early", "Late", "None such"):
            expected = list(published_titled(now, title))
            found = query(now=now, title=title)
            assert found == expected
            assert [row.__dict__.keys() for row in found] == [
                row.__dict__.keys() for row in expected
            ]
    [early] = query(now=NOON, title="Early")
    assert early.slug == "early" and early._state.db == "default" and not early._state.adding
    # The manager's deferred field is deferred here too, and loads when read.
    assert "search_vector" in early.get_deferred_fields()


def test_annotations_ordering_and_slices_come_through(articles):
    def tagged_by_name(now):
        return (
            Article.objects.published(now).annotate(tag_count=Count("tags")).order_by("title")[:5]
        )

    articles[0].tags.add(TagFactory(), TagFactory())
    query = PreparedQuery(tagged_by_name, now=datetime)

    found = query(now=NOON + timedelta(days=3))

    assert [(row.title, row.tag_count) for row in found] == [("Early", 2), ("Late", 0)]


def test_values_list_gives_tuples_or_flat_values(articles):
    pairs = PreparedQuery(
        lambda slug: Article.objects.filter(slug=slug).values_list("title", "status"), slug=str
    )
    flat = PreparedQuery(
        lambda now: Article.objects.published(now).values_list("slug", flat=True), now=datetime
    )

    assert pairs(slug="late-draft") == [("Late", "draft")]
    assert flat(now=NOON) == ["early"]
    assert sorted(flat(now=NOON + timedelta(days=3))) == ["early", "late"]


def test_a_count_reads_at_most_its_bound_plus_one(articles):
    count = PreparedQuery(lambda now: Article.objects.published(now), counted_up_to=1, now=datetime)

    with CaptureQueriesContext(connection) as queries:
        assert count(now=NOON - timedelta(days=3)) == 0
        assert count(now=NOON) == 1
        assert count(now=NOON + timedelta(days=3)) == 2  # the bound + 1: "more than 1"
    assert all(query["sql"].startswith("SELECT COUNT(*) FROM (") for query in queries)
    assert all("LIMIT 2" in query["sql"] for query in queries)


def test_a_query_that_can_have_no_rows_runs_none(articles):
    nothing = PreparedQuery(lambda now: Article.objects.published(now)[5:5], now=datetime)
    none_counted = PreparedQuery(
        lambda now: Article.objects.published(now).none(), counted_up_to=10, now=datetime
    )

    with CaptureQueriesContext(connection) as queries:
        assert nothing(now=NOON) == []
        assert none_counted(now=NOON) == 0
    assert len(queries) == 0


def test_each_call_is_one_query_and_the_build_runs_once(articles):
    builds = []

    def build(pk):
        builds.append(pk)
        return Article.objects.filter(pk=pk)

    query = PreparedQuery(build, pk=int)
    query(pk=articles[0].pk)
    calls_so_far = len(builds)

    with CaptureQueriesContext(connection) as queries:
        assert query(pk=articles[1].pk) == [articles[1]]
        assert query(pk=articles[2].pk) == [articles[2]]

    assert len(queries) == 2
    assert len(builds) == calls_so_far  # compiled before: not built again


def test_a_datetime_in_any_time_zone_is_compared_as_the_field_would(articles):
    query = PreparedQuery(published_titled, now=datetime, title=str)
    new_york = ZoneInfo("America/New_York")
    just_before, just_after = NOON - timedelta(days=2, seconds=1), NOON - timedelta(days=2)

    # The same instants, written in New York time: 06:59:59 and 07:00 there.
    assert query(now=just_before.astimezone(new_york), title="Early") == []
    assert [a.slug for a in query(now=just_after.astimezone(new_york), title="Early")] == ["early"]


def test_an_argument_changed_on_its_way_to_the_sql_is_refused(articles):
    query = PreparedQuery(lambda word: Article.objects.filter(title__icontains=word), word=str)

    with pytest.raises(ValueError, match="an argument is changed on its way to the SQL"):
        query(word="late")


def test_an_argument_that_never_reaches_the_sql_is_refused(articles):
    query = PreparedQuery(lambda pk: Article.objects.all(), pk=int)

    with pytest.raises(ValueError, match=r"\['pk'\] do not reach the SQL unchanged"):
        query(pk=1)


def test_a_build_whose_sql_depends_on_the_values_is_refused(articles):
    query = PreparedQuery(
        lambda pk: Article.objects.filter(pk=pk) if pk > 30_500 else Article.objects.none(),
        pk=int,
    )

    with pytest.raises(ValueError, match="its SQL depends on the arguments' values"):
        query(pk=articles[0].pk)


def test_small_integer_fields_take_arguments_too():
    """Stand-ins stay in every integer field's range (the ORM drops an out-of-range lookup)."""
    DiscussionSettings.load()
    DiscussionSettings.objects.filter(pk=1).update(comments_per_page=50, thread_depth=3)
    query = PreparedQuery(
        lambda per_page, depth: DiscussionSettings.objects.filter(
            comments_per_page=per_page, thread_depth=depth
        ).values_list("pk", flat=True),
        per_page=int,
        depth=int,
    )

    assert query(per_page=50, depth=3) == [1]
    assert query(per_page=50, depth=4) == []


def test_prefetching_and_unknown_argument_types_are_refused(articles):
    prefetching = PreparedQuery(
        lambda pk: Article.objects.filter(pk=pk).prefetch_related("tags"), pk=int
    )

    with pytest.raises(ValueError, match="prefetch_related.* unsupported"):
        prefetching(pk=1)
    with pytest.raises(TypeError, match="Unsupported argument type"):
        PreparedQuery(lambda ids: Article.objects.filter(pk__in=ids), ids=list)
    with pytest.raises(TypeError, match="takes"):
        PreparedQuery(published_titled, now=datetime, title=str)(now=NOON)


def test_timestamps_read_are_the_orms_own_to_the_microsecond():
    """On PostgreSQL they come through psycopg's own loader (reads_utc_timestamps)."""
    moments = [
        datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(2027, 3, 14, 7, 30, 0, 1, tzinfo=ZoneInfo("America/New_York")),
        datetime(1999, 1, 1, tzinfo=UTC),
    ]
    for index, moment in enumerate(moments):
        ArticleFactory(slug=f"moment-{index}", pub_date=moment)
    query = PreparedQuery(
        lambda now: Article.objects.filter(pub_date__lte=now).values_list("slug", "pub_date"),
        now=datetime,
    )

    found = sorted(query(now=datetime(2030, 1, 1, tzinfo=UTC)))

    expected = sorted(Article.objects.values_list("slug", "pub_date"))
    assert found == expected
    assert [pub_date.tzinfo for _, pub_date in found] == [UTC] * 3
    assert reads_utc_timestamps(connection) is (connection.vendor == "postgresql")
