"""
The moderation dashboard (comments/dashboard.py): each figure against known
data at fixed instants (local days in America/New_York, across midnight and
both daylight-saving changes), the SVG chart, who may see it, and its query budget.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from defusedxml import ElementTree
from django.db import connection
from django.urls import reverse

from comments import dashboard
from comments.models import Comment, HoldReason
from posts.models import SiteSettings
from tests.comments.conftest import staff
from tests.factories import ArticleFactory, UserFactory
from tests.query_budget import assert_budget
from tests.query_plans import captured_queries, unindexed_queries

pytestmark = pytest.mark.django_db

APPROVED, PENDING, SPAM, TRASH = (
    Comment.Status.APPROVED,
    Comment.Status.PENDING,
    Comment.Status.SPAM,
    Comment.Status.TRASH,
)
# A Monday in June, noon in New York (EDT, UTC-4).
NOW = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)
URL_NAME = "admin:comments_comment_dashboard"
# Queries of one GET for a superuser: session, user, the counts by status as
# the queue shows them (two: comments.counting), then one each for the days,
# the hold reasons, the checks, the median and the most discussed articles.
# With the masthead (the admin's header is the publication's name).
DASHBOARD_BUDGET = 10


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def add(article, submitted, status=APPROVED, *, reasons=(), approved_at=None, **fields):
    """One comment submitted at ``submitted`` (bulk-created: no signals, no clock), with reasons."""
    comment = Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                author_name="Reader",
                body="A comment.",
                body_html="<p>A comment.</p>",
                status=status,
                submitted=submitted,
                approved_at=approved_at,
                **fields,
            )
        ]
    )[0]
    HoldReason.objects.bulk_create(HoldReason(comment=comment, code=code) for code in reasons)
    return comment


def add_many(article, submitted, count, status=APPROVED, reasons=()):
    comments = Comment.objects.bulk_create(
        Comment(article=article, author_name="R", body="x", status=status, submitted=submitted)
        for _ in range(count)
    )
    HoldReason.objects.bulk_create(
        HoldReason(comment=comment, code=code) for comment in comments for code in reasons
    )


@pytest.fixture
def article():
    return ArticleFactory(title="Where the votes are", pub_date=NOW - timedelta(days=40))


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


class TestPeriod:
    def test_thirty_local_days_ending_today(self):
        days = dashboard.local_days(NOW)
        assert len(days) == 30
        assert days[0] == date(2026, 5, 17)
        assert days[-1] == date(2026, 6, 15)

    def test_today_is_the_local_date_not_utc(self):
        # 01:30 UTC on the 16th is still the 15th in New York.
        assert dashboard.local_days(utc(2026, 6, 16, 1, 30))[-1] == date(2026, 6, 15)

    def test_starts_at_local_midnight_with_that_day_offset(self):
        # Twenty-nine days before Nov 20 (EST) is Oct 22, still on EDT: 04:00 UTC.
        start = dashboard.period_start(utc(2026, 11, 20, 17, 0))
        assert start == utc(2026, 10, 22, 4, 0)
        assert dashboard.period_start(NOW) == utc(2026, 5, 17, 4, 0)


class TestStatusCounts:
    def test_every_status_all_time_as_the_queue_counts_them(self, article):
        for status, count in [(APPROVED, 3), (PENDING, 2), (SPAM, 1)]:
            add_many(article, NOW - timedelta(days=400), count, status)
        statuses = dashboard.dashboard_context(NOW)["statuses"]
        assert [(row["label"], row["count"]) for row in statuses] == [
            ("Approved", "3"),
            ("Pending", "2"),
            ("Spam", "1"),
            ("Trash", "0"),
        ]
        changelist = reverse("admin:comments_comment_changelist")
        assert statuses[1]["url"] == f"{changelist}?status=pending"


def by_day(days):
    return {day.day: {k: v for k, v in day.counts.items() if v} for day in days}


class TestDailyOutcomes:
    def test_counts_by_local_day_and_status_across_midnight(self, article):
        add(article, utc(2026, 6, 15, 3, 30))  # 23:30 EDT on the 14th
        add(article, utc(2026, 6, 15, 4, 30), PENDING)  # 00:30 EDT on the 15th
        add(article, utc(2026, 6, 15, 15, 0), SPAM)
        add(article, utc(2026, 6, 1, 12, 0), TRASH)
        add(article, utc(2026, 5, 17, 4, 0))  # the first moment of the first day
        add(article, utc(2026, 5, 17, 3, 59, 59))  # the day before: left out
        days = dashboard.daily_outcomes(NOW)
        assert [day.day for day in days] == dashboard.local_days(NOW)
        counts = by_day(days)
        assert counts[date(2026, 6, 14)] == {APPROVED: 1}
        assert counts[date(2026, 6, 15)] == {PENDING: 1, SPAM: 1}
        assert counts[date(2026, 6, 1)] == {TRASH: 1}
        assert counts[date(2026, 5, 17)] == {APPROVED: 1}
        assert sum(day.total for day in days) == 5

    def test_autumn_change_day_has_25_hours(self, article):
        now = utc(2026, 11, 3, 17, 0)
        add(article, utc(2026, 11, 1, 4, 30))  # 00:30 EDT, Nov 1
        add(article, utc(2026, 11, 2, 4, 30))  # 23:30 EST, Nov 1
        add(article, utc(2026, 11, 2, 5, 30))  # 00:30 EST, Nov 2
        counts = by_day(dashboard.daily_outcomes(now))
        assert counts[date(2026, 11, 1)] == {APPROVED: 2}
        assert counts[date(2026, 11, 2)] == {APPROVED: 1}

    def test_spring_change_day_has_23_hours(self, article):
        now = utc(2026, 3, 9, 16, 0)
        add(article, utc(2026, 3, 8, 5, 30))  # 00:30 EST, Mar 8
        add(article, utc(2026, 3, 9, 3, 30))  # 23:30 EDT, Mar 8
        add(article, utc(2026, 3, 9, 4, 30))  # 00:30 EDT, Mar 9
        counts = by_day(dashboard.daily_outcomes(now))
        assert counts[date(2026, 3, 8)] == {APPROVED: 2}
        assert counts[date(2026, 3, 9)] == {APPROVED: 1}

    def test_empty_gives_thirty_days_of_zeros(self):
        days = dashboard.daily_outcomes(NOW)
        assert len(days) == 30
        assert all(day.total == 0 for day in days)


class TestHoldReasonsAndChecks:
    @pytest.fixture
    def held(self, article):
        recent = NOW - timedelta(days=2)
        add(article, recent, PENDING, reasons=["low_score"])
        add(article, recent, APPROVED, reasons=["low_score", "first_comment"])
        add(article, recent, SPAM, reasons=["too_fast", "honeypot"])
        add(article, recent, TRASH, reasons=["hold_word", "hold_word", "disallowed_word"])
        add(article, recent, PENDING, reasons=["captcha_unavailable"])
        add(article, recent, SPAM, reasons=["no_javascript", "captcha_zz_outage"])
        add(article, recent, PENDING, reasons=["zz_rate_limited"])
        add(article, NOW - timedelta(days=31), SPAM, reasons=["honeypot"])  # too old

    def test_hold_reasons_count_comments_per_reason(self, held):
        reasons = {row.code: (row.label, row.comments) for row in dashboard.hold_reason_counts(NOW)}
        assert reasons == {
            "low_score": ("Low captcha score", 2),
            "first_comment": ("No approved comment yet from this name and email", 1),
            "too_fast": ("Posted too fast", 1),
            "honeypot": ("Honeypot field filled", 1),
            "hold_word": ("Hold word", 1),
            "disallowed_word": ("Disallowed word", 1),
            "captcha_unavailable": (dashboard.code_label("captcha_unavailable"), 1),
            "no_javascript": (dashboard.code_label("no_javascript"), 1),
            # A code the model does not know yet, under its words.
            "captcha_zz_outage": ("Captcha zz outage", 1),
            "zz_rate_limited": ("Zz rate limited", 1),
        }

    def test_hold_reasons_most_frequent_first(self, held):
        assert dashboard.hold_reason_counts(NOW)[0].code == "low_score"

    def test_checks_group_codes_and_count_each_comment_once(self, held):
        checks = {row.check: row for row in dashboard.check_catches(NOW)}
        assert list(checks) == [
            "honeypot",
            "timestamp",
            "captcha",
            "words",
            "links",
            "zz_rate_limited",
        ]
        assert checks["honeypot"].counts == {SPAM: 1}
        assert checks["timestamp"].counts == {SPAM: 1}
        # Low score twice, unavailable, and no JavaScript with an unknown captcha code.
        assert checks["captcha"].counts == {PENDING: 2, APPROVED: 1, SPAM: 1}
        assert checks["words"].counts == {TRASH: 1}
        assert checks["links"].comments == 0
        assert checks["zz_rate_limited"].label == "Zz rate limited"
        assert checks["zz_rate_limited"].comments == 1
        # The approval policy is no check.
        assert "first_comment" not in checks

    def test_empty(self):
        assert dashboard.hold_reason_counts(NOW) == []
        assert [row.comments for row in dashboard.check_catches(NOW)] == [0] * 5


class TestMedianTimeToApproval:
    def waited(self, article, minutes, **fields):
        submitted = NOW - timedelta(days=1)
        fields.setdefault("status", APPROVED)
        add(article, submitted, approved_at=submitted + timedelta(minutes=minutes), **fields)

    def test_odd_and_even_counts(self, article):
        for minutes in (60, 10, 20):
            self.waited(article, minutes)
        assert dashboard.median_time_to_approval(NOW) == timedelta(minutes=20)
        self.waited(article, 120)
        assert dashboard.median_time_to_approval(NOW) == timedelta(minutes=40)

    def test_only_comments_a_moderator_approved_in_the_period(self, article):
        self.waited(article, 30)
        add(article, NOW - timedelta(hours=5))  # approved at once: no approval time
        self.waited(article, 600, status=PENDING)  # approved, then sent back
        self.waited(article, 900, user=UserFactory())  # a staff reply
        old = NOW - timedelta(days=40)
        add(article, old, approved_at=old + timedelta(days=1))
        assert dashboard.median_time_to_approval(NOW) == timedelta(minutes=30)

    def test_none_without_approvals(self):
        assert dashboard.median_time_to_approval(NOW) is None

    @pytest.mark.parametrize(
        ("seconds", "shown"),
        [
            (40, "40 s"),
            (240, "4 min"),
            (3 * 3600 + 12 * 60, "3 h 12 min"),
            (2 * 86400 + 3 * 3600, "2 d 3 h"),
        ],
    )
    def test_format(self, seconds, shown):
        assert dashboard.format_wait(timedelta(seconds=seconds)) == shown

    def test_format_none(self):
        assert dashboard.format_wait(None) == "—"


class TestMostDiscussed:
    def test_top_articles_by_approved_comments_this_week(self, article):
        busy = ArticleFactory(title="Busier", pub_date=NOW - timedelta(days=3))
        quiet_now = ArticleFactory(title="Old news")
        only_pending = ArticleFactory(title="Only pending")
        add_many(busy, NOW - timedelta(days=1), 5)
        add_many(article, NOW - timedelta(days=6, hours=23), 3)
        add_many(article, NOW - timedelta(hours=1), 2, PENDING)
        add_many(article, NOW - timedelta(hours=1), 4, SPAM)
        add_many(quiet_now, NOW - timedelta(days=7, minutes=1), 9)
        add_many(only_pending, NOW - timedelta(hours=1), 9, PENDING)
        rows = dashboard.most_discussed(NOW)
        assert [(row.title, row.approved, row.pending) for row in rows] == [
            ("Busier", 5, 0),
            ("Where the votes are", 3, 2),
        ]
        assert rows[1].url == article.get_absolute_url()
        assert rows[1].queue_url == (
            f"{reverse('admin:comments_comment_changelist')}?article__id__exact={article.pk}"
        )

    def test_ten_at_most(self):
        for index in range(12):
            add_many(
                ArticleFactory(title=f"Article {index:02d}"), NOW - timedelta(hours=2), 1 + index
            )
        rows = dashboard.most_discussed(NOW)
        assert [row.approved for row in rows] == list(range(12, 2, -1))


PLOT_HEIGHT = dashboard.CHART_HEIGHT - dashboard.MARGIN_TOP - dashboard.MARGIN_BOTTOM
SVG = "{http://www.w3.org/2000/svg}"


def parse_svg(markup: str):
    return ElementTree.fromstring(
        markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


class TestChart:
    def days(self):
        first = date(2026, 5, 17)
        days = [dashboard.Day(first + timedelta(days=n), {}) for n in range(30)]
        days[3].counts = {APPROVED: 6, PENDING: 3, SPAM: 2, TRASH: 1}
        days[29].counts = {APPROVED: 15}
        days[10].counts = {SPAM: 1}
        return days

    def test_bar_heights_are_proportional_and_stacked(self):
        svg = parse_svg(dashboard.chart_svg(self.days()))
        rects = svg.findall(f".//{SVG}rect")
        assert {
            (r.get("data-day"), r.get("data-status"), int(r.get("data-count"))) for r in rects
        } == {
            ("2026-05-20", APPROVED, 6),
            ("2026-05-20", PENDING, 3),
            ("2026-05-20", SPAM, 2),
            ("2026-05-20", TRASH, 1),
            ("2026-06-15", APPROVED, 15),
            ("2026-05-27", SPAM, 1),
        }
        # The axis tops at 20 (four steps of 5): one comment is PLOT_HEIGHT / 20 high.
        for rect in rects:
            per_comment = float(rect.get("height")) / int(rect.get("data-count"))
            assert per_comment == pytest.approx(PLOT_HEIGHT / 20, abs=0.01)
        # One day's segments touch, approved at the bottom, on the baseline.
        stack = [r for r in rects if r.get("data-day") == "2026-05-20"]
        assert [r.get("data-status") for r in stack] == [APPROVED, PENDING, SPAM, TRASH]
        baseline = dashboard.MARGIN_TOP + PLOT_HEIGHT
        bottom = baseline
        for rect in stack:
            assert float(rect.get("y")) + float(rect.get("height")) == pytest.approx(
                bottom, abs=0.02
            )
            bottom = float(rect.get("y"))

    def test_labelled_image_with_a_summary(self):
        svg = parse_svg(dashboard.chart_svg(self.days()))
        assert svg.get("role") == "img"
        assert svg.get("viewBox") == f"0 0 {dashboard.CHART_WIDTH} {dashboard.CHART_HEIGHT}"
        assert svg.get("width") == "100%"
        title = svg.find(f"{SVG}title")
        assert svg.get("aria-labelledby") == title.get("id")
        assert title.text == (
            "Comments received per day, May 17 to Jun 15: 28 "
            "(21 approved, 3 pending, 3 spam, 1 trash). Busiest day: Jun 15, 15."
        )
        dates = [text.text for text in svg.findall(f".//{SVG}g[@class='dates']/{SVG}text")]
        assert dates == ["May 18", "May 25", "Jun 1", "Jun 8", "Jun 15"]
        ticks = [text.text for text in svg.findall(f".//{SVG}g[@class='grid']/{SVG}text")]
        assert ticks == ["0", "5", "10", "15", "20"]

    def test_no_style_or_script(self):
        markup = dashboard.chart_svg(self.days())
        assert "style" not in markup
        assert "script" not in markup

    @pytest.mark.parametrize(
        ("largest", "top"),
        [(0, 4), (3, 4), (4, 4), (5, 8), (9, 20), (20, 20), (21, 40), (1234, 2000)],
    )
    def test_axis_maximum(self, largest, top):
        assert dashboard.axis_maximum(largest) == top

    @pytest.mark.parametrize(
        ("value", "label"), [(0, "0"), (2000, "2000"), (15_000, "15k"), (2_500_000, "2.5M")]
    )
    def test_tick_labels_fit_the_margin(self, value, label):
        assert dashboard.tick_label(value) == label


@pytest.fixture
def url():
    return reverse(URL_NAME)


@pytest.fixture
def known_data(article):
    add(article, NOW - timedelta(hours=3), PENDING, reasons=["low_score"])
    add(article, NOW - timedelta(days=1), APPROVED, approved_at=NOW - timedelta(hours=20))
    add(article, NOW - timedelta(days=1), SPAM, reasons=["honeypot"])


class TestView:
    def test_moderator_sees_the_figures(self, client, url, known_data, at_now):
        client.force_login(staff("moderator", group="Moderators"))
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Moderation dashboard" in html
        assert 'class="breadcrumbs"' in html
        assert reverse("admin:comments_comment_changelist") in html
        assert response.context["median_wait"] == "4 h 0 min"
        assert [row["count"] for row in response.context["statuses"]] == ["1", "1", "1", "0"]
        assert 'role="img"' in html
        assert "Where the votes are" in html
        assert "Low captcha score" in html

    def test_no_inline_style_or_script_in_the_content(self, admin_client, url, known_data, at_now):
        html = admin_client.get(url).content.decode()
        content = html[html.index('id="content-main"') :]
        assert not re.search(r"\sstyle=|<style|<script", content)

    def test_empty_state(self, admin_client, url, at_now):
        response = admin_client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "No comments were received in the last 30 days." in html
        assert "No comment was held in the last 30 days." in html
        assert "No approved comments in the last 7 days." in html
        assert '<svg class="dashboard-chart"' not in html

    def test_editor_without_view_comment_is_refused(self, client, url):
        editor = staff("editor", group="Editors")
        client.force_login(editor)
        assert not editor.has_perm("comments.view_comment")
        assert client.get(url).status_code == 403

    def test_anonymous_is_sent_to_login(self, client, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    def test_query_budget(self, admin_client, url, article, settings, at_now):
        settings.PAGE_CACHE_ENABLED = False
        SiteSettings.load()

        def grow():
            for _ in range(5):
                other = ArticleFactory(pub_date=NOW - timedelta(days=2))
                for back in range(0, 30, 3):
                    add_many(other, NOW - timedelta(days=back), 3, APPROVED, ["first_comment"])
                    add_many(other, NOW - timedelta(days=back), 2, SPAM, ["honeypot", "too_fast"])
            for minutes in (5, 50, 500):
                add(article, NOW - timedelta(days=1), approved_at=NOW - timedelta(minutes=minutes))

        small, large = assert_budget(admin_client, url, DASHBOARD_BUDGET, grow)
        assert "No comments were received" in small
        assert "No comments were received" not in large


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL")
def test_recent_figures_read_recent_rows_only_by_index():
    """
    A year of comments, a third with hold reasons, ids growing with time: the
    figures of the last 30 (or 7) days read those days' rows through indexes,
    never a table whole.
    """
    articles = ArticleFactory.create_batch(20, pub_date=NOW - timedelta(days=500))
    statuses = [APPROVED] * 7 + [PENDING, SPAM, TRASH]
    comments = Comment.objects.bulk_create(
        (
            Comment(
                article=articles[n % 20],
                author_name="R",
                body="x",
                status=statuses[n % 10],
                submitted=NOW - timedelta(minutes=30 * n),
                approved_at=NOW - timedelta(minutes=30 * n - 7) if n % 10 == 0 else None,
            )
            for n in range(20_000, 0, -1)  # the oldest first
        ),
        batch_size=5_000,
    )
    codes = ["honeypot", "too_fast", "low_score", "first_comment", "hold_word", "too_many_links"]
    HoldReason.objects.bulk_create(
        (HoldReason(comment=c, code=codes[n % 6]) for n, c in enumerate(comments) if n % 3 == 0),
        batch_size=5_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with captured_queries() as queries:
        dashboard.daily_outcomes(NOW)
        dashboard.hold_reason_counts(NOW)
        dashboard.check_catches(NOW)
        dashboard.median_time_to_approval(NOW)
        dashboard.most_discussed(NOW)
    assert len(queries) == 5
    assert unindexed_queries(queries) == []
