"""
The moderation dashboard: what came in, what the checks caught and how fast
moderators answer, in a fixed number of queries whatever the number of comments.

The counts by status are the queue's own (comments.counting: exact for
pending, spam and trash, "about 1.6 million" approved at scale). Every other
figure is one query bounded by ``submitted >= start`` first, so it reads only
the recent rows through the index on ``submitted``. Periods are local days in
the site's time zone (settings.TIME_ZONE), daylight-saving changes included.

The view is wired in ``CommentAdmin.get_urls()``, before ``*super().get_urls()``::

    path("dashboard/", wrap(partial(dashboard_view, model_admin=self)),
         name="comments_comment_dashboard"),
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import cycle
from statistics import fmean

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from comments.counting import NEW_SPAM, status_counts
from comments.models import Comment, HoldReason
from comments.templatetags.comments_admin import remember_counts
from posts.models import Article

Status = Comment.Status
Code = HoldReason.Code

# The outcomes in the order they are stacked (bottom first) and listed, with
# colours from the Okabe-Ito palette, told apart by people with colour blindness.
OUTCOMES: list[tuple[str, str, str]] = [
    (Status.APPROVED, "Approved", "#009e73"),
    (Status.PENDING, "Pending", "#e69f00"),
    (Status.SPAM, "Spam", "#cc79a7"),
    (Status.TRASH, "Trash", "#56b4e9"),
]

# Which check recorded each hold-reason code. A code missing here is shown as
# a check of its own, under its label; one starting with "captcha_" (such as a
# "captcha unavailable" code) counts as the captcha's.
CHECK_OF_CODE: dict[str, str] = {
    Code.HONEYPOT: "honeypot",
    Code.TOO_FAST: "timestamp",
    Code.BAD_TIMESTAMP: "timestamp",
    Code.LOW_SCORE: "captcha",
    Code.CAPTCHA_UNVERIFIED: "captcha",
    Code.NO_CAPTCHA_TOKEN: "captcha",
    # No token because the browser ran no captcha (another engineer's codes).
    "captcha_unavailable": "captcha",
    "no_javascript": "captcha",
    Code.HOLD_WORD: "words",
    Code.DISALLOWED_WORD: "words",
    Code.TOO_MANY_LINKS: "links",
}
CHECK_LABELS: dict[str, str] = {
    "honeypot": "Honeypot",
    "timestamp": "Form timestamp",
    "captcha": "Captcha",
    "words": "Words",
    "links": "Links",
}
# Reasons that come from the approval policy, not from a check of the comment.
POLICY_CODES = frozenset({Code.HOLD_ALL, Code.FIRST_COMMENT})

CHART_DAYS = 30
TOP_ARTICLES_DAYS = 7
TOP_ARTICLES = 10


def code_label(code: str) -> str:
    """A hold-reason code's label; an unknown code's words, capitalised."""
    labels = dict(Code.choices)
    return str(labels.get(code, code.replace("_", " ").capitalize()))


def site_zone() -> tzinfo:
    """The site's time zone (settings.TIME_ZONE), in which a day is counted."""
    return timezone.get_default_timezone()


def local_days(now: datetime, days: int = CHART_DAYS) -> list[date]:
    """The last ``days`` local dates, oldest first, ending with today's."""
    today = timezone.localtime(now, site_zone()).date()
    return [today - timedelta(days=back) for back in range(days - 1, -1, -1)]


def period_start(now: datetime, days: int = CHART_DAYS) -> datetime:
    """Local midnight starting the first of the last ``days`` days (DST-aware)."""
    return datetime.combine(local_days(now, days)[0], time.min, tzinfo=site_zone())


@dataclass
class Day:
    """One local day's comments received, by their current status."""

    day: date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)


def daily_outcomes(now: datetime, days: int = CHART_DAYS) -> list[Day]:
    """
    For each of the last ``days`` local days, oldest first, the comments
    submitted that day by their current status (one query).
    """
    result = {
        day: Day(day, {status: 0 for status, _l, _c in OUTCOMES}) for day in local_days(now, days)
    }
    rows = (
        Comment.objects.filter(submitted__gte=period_start(now, days))
        .annotate(day=TruncDate("submitted", tzinfo=site_zone()))
        .order_by()
        .values_list("day", "status")
        .annotate(count=Count("pk"))
    )
    for day, status, count in rows:
        if day in result:  # a comment dated in the future is left out
            result[day].counts[status] = result[day].counts.get(status, 0) + count
    return list(result.values())


@dataclass
class ReasonCount:
    code: str
    label: str
    comments: int


def recent_reasons(start: datetime) -> QuerySet:
    """
    The hold reasons of the comments submitted since ``start``. Besides the
    join on ``submitted``, reasons are bounded by the smallest id among those
    comments (exact, whatever the order of ids), so PostgreSQL reads only the
    recent ones by the comment_id index instead of every reason. "id + 0"
    keeps that smallest id from being sought along the primary key.
    """
    first_id = (
        Comment.objects.filter(submitted__gte=start)
        .order_by()
        .values(first=Func(F("pk") + 0, function="MIN", output_field=IntegerField()))
    )
    return HoldReason.objects.filter(
        comment__submitted__gte=start, comment_id__gte=Subquery(first_id)
    ).order_by()


def hold_reason_counts(now: datetime, days: int = CHART_DAYS) -> list[ReasonCount]:
    """
    Comments of the last ``days`` local days held, spammed or trashed for each
    reason, most frequent first (one query). A comment with two reasons counts
    under both; one with the same reason twice (two hold words) counts once.
    """
    rows = (
        recent_reasons(period_start(now, days))
        .values_list("code")
        .annotate(comments=Count("comment", distinct=True))
    )
    counts = [ReasonCount(code, code_label(code), comments) for code, comments in rows]
    return sorted(counts, key=lambda row: (-row.comments, row.label))


@dataclass
class CheckCount:
    """What one check caught, by the comments' current status."""

    check: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        """The labels of the hold reasons this check records."""
        codes = [code for code, check in CHECK_OF_CODE.items() if check == self.check]
        return [code_label(code) for code in codes or [self.check]]

    @property
    def comments(self) -> int:
        return sum(self.counts.values())

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)


def _check_expression() -> Case:
    """SQL mapping a hold-reason code to its check (CHECK_OF_CODE), unknown codes to themselves."""
    whens = [
        When(code__in=[code for code, c in CHECK_OF_CODE.items() if c == check], then=Value(check))
        for check in CHECK_LABELS
    ]
    whens.append(When(code__startswith="captcha_", then=Value("captcha")))
    return Case(*whens, default=F("code"), output_field=CharField())


def check_catches(now: datetime, days: int = CHART_DAYS) -> list[CheckCount]:
    """
    For each spam check (honeypot, timestamp, captcha, words, links, and any
    code not mapped to one), the comments of the last ``days`` local days it
    caught, by their current status: approved ones were let through by a
    moderator (one query). The approval policy's reasons are left out.
    """
    rows = (
        recent_reasons(period_start(now, days))
        .exclude(code__in=POLICY_CODES)
        .annotate(check=_check_expression())
        .order_by()
        .values_list("check", "comment__status")
        .annotate(comments=Count("comment", distinct=True))
    )
    checks = {check: CheckCount(check, label) for check, label in CHECK_LABELS.items()}
    for check, status, comments in rows:
        if check not in checks:
            checks[check] = CheckCount(check, code_label(check))
        checks[check].counts[status] = comments
    return list(checks.values())


class _Median(Aggregate):
    """PostgreSQL's median: percentile_cont(0.5) of an interval is an interval."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def median_time_to_approval(now: datetime, days: int = CHART_DAYS) -> timedelta | None:
    """
    The median time from posting to a moderator's approval, over the comments
    of the last ``days`` local days approved now (one query); None without any.
    Comments approved at once (no approval time) and staff replies are left out.
    """
    approved = Comment.objects.filter(
        submitted__gte=period_start(now, days),
        status=Status.APPROVED,
        approved_at__isnull=False,
        user__isnull=True,
    ).annotate(
        waited=ExpressionWrapper(F("approved_at") - F("submitted"), output_field=DurationField())
    )
    if connection.vendor == "postgresql":
        return approved.aggregate(median=_Median("waited"))["median"]
    # Elsewhere, in SQL too: the one or two middle rows by waiting time.
    middle = (
        approved.annotate(
            position=Window(RowNumber(), order_by=[F("waited").asc(), F("pk").asc()]),
            total=Window(Count("pk")),
        )
        .filter(position__gte=(F("total") + 1) / 2, position__lte=(F("total") + 2) / 2)
        .values_list("waited", flat=True)
    )
    waits = list(middle)
    if not waits:
        return None
    return timedelta(seconds=fmean(wait.total_seconds() for wait in waits))


@dataclass
class DiscussedArticle:
    article_id: int
    title: str
    url: str
    queue_url: str
    approved: int
    pending: int


def most_discussed(
    now: datetime, days: int = TOP_ARTICLES_DAYS, limit: int = TOP_ARTICLES
) -> list[DiscussedArticle]:
    """
    The ``limit`` articles with the most approved comments submitted in the
    last ``days`` × 24 hours, with their pending ones of the same time (one
    query). Pages' comments are not counted here.
    """
    recent = Q(submitted__gte=now - timedelta(days=days))
    rows = (
        Comment.objects.filter(
            recent, status__in=[Status.APPROVED, Status.PENDING], article__isnull=False
        )
        .order_by()
        .values("article_id", "article__title", "article__slug", "article__pub_date")
        .annotate(
            approved=Count("pk", filter=Q(status=Status.APPROVED)),
            pending=Count("pk", filter=Q(status=Status.PENDING)),
        )
        .filter(approved__gt=0)
        .order_by("-approved", "article__title", "article_id")[:limit]
    )
    queue = reverse("admin:comments_comment_changelist")
    return [
        DiscussedArticle(
            article_id=row["article_id"],
            title=row["article__title"],
            url=Article(
                slug=row["article__slug"], pub_date=row["article__pub_date"]
            ).get_absolute_url(),
            queue_url=f"{queue}?article__id__exact={row['article_id']}",
            approved=row["approved"],
            pending=row["pending"],
        )
        for row in rows
    ]


# The chart, drawn here as SVG: user units of the viewBox, scaled to the page's width.
CHART_WIDTH = 480
CHART_HEIGHT = 250
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 22, 12, 28
FONT_SIZE = 13


def axis_maximum(largest: int, ticks: int = 4) -> int:
    """The top of the y axis: ``ticks`` steps of 1, 2 or 5 × 10ⁿ, at least ``largest``."""
    step, growth = 1, cycle((2, 2.5, 2))  # 1, 2, 5, 10, 20, 50, 100 …
    while step * ticks < largest:
        step = round(step * next(growth))
    return step * ticks


def format_wait(wait: timedelta | None) -> str:
    """A waiting time as moderators read it: "2 d 3 h", "3 h 12 min", "4 min", "40 s"."""
    if wait is None:
        return "—"
    seconds = max(round(wait.total_seconds()), 0)
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"


def tick_label(value: int) -> str:
    """An axis value short enough for the margin: 500, 2000, 20k, 1.5M."""
    if value >= 1_000_000:
        return f"{_number(value / 1_000_000)}M"
    if value >= 10_000:
        return f"{_number(value / 1000)}k"
    return str(value)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def chart_summary(days: list[Day]) -> str:
    """One sentence stating what the chart shows, for its title."""
    totals = {status: sum(day.count(status) for day in days) for status, _l, _c in OUTCOMES}
    parts = ", ".join(f"{totals[status]} {label.lower()}" for status, label, _c in OUTCOMES)
    first, last = date_format(days[0].day, "M j"), date_format(days[-1].day, "M j")
    summary = f"Comments received per day, {first} to {last}: {sum(totals.values())} ({parts})."
    busiest = max(days, key=lambda day: (day.total, day.day))
    if busiest.total:
        summary += f" Busiest day: {date_format(busiest.day, 'M j')}, {busiest.total}."
    return summary


def chart_svg(days: list[Day]) -> SafeString:
    """
    Stacked bars of ``days`` (daily_outcomes), one per day, outcomes bottom to
    top as in OUTCOMES, with a y axis and a date every seven days. Bar heights
    are proportional to the counts. No script and no style: presentation
    attributes only, so the site's Content-Security-Policy allows it.
    """
    plot_width = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = axis_maximum(max((day.total for day in days), default=0))
    scale = plot_height / top
    slot = plot_width / max(len(days), 1)
    bar = slot * 0.72
    baseline = MARGIN_TOP + plot_height

    grid = []
    for tick in range(5):
        value = top * tick // 4
        y = baseline - value * scale
        grid.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="currentColor" '
                'stroke-opacity="{}"/><text x="{}" y="{}" text-anchor="end">{}</text>',
                MARGIN_LEFT,
                CHART_WIDTH - MARGIN_RIGHT,
                _number(y),
                _number(y),
                "0.6" if tick == 0 else "0.15",
                MARGIN_LEFT - 6,
                _number(y + FONT_SIZE * 0.35),
                tick_label(value),
            )
        )

    bars, labels = [], []
    for index, day in enumerate(days):
        x = MARGIN_LEFT + index * slot + (slot - bar) / 2
        y = baseline
        when = date_format(day.day, "M j")
        for status, label, colour in OUTCOMES:
            count = day.count(status)
            if not count:
                continue
            height = count * scale
            y -= height
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" data-day="{}" '
                    'data-status="{}" data-count="{}"><title>{}: {} {}</title></rect>',
                    _number(x),
                    _number(y),
                    _number(bar),
                    _number(height),
                    colour,
                    day.day.isoformat(),
                    status,
                    count,
                    when,
                    count,
                    label.lower(),
                )
            )
        if (len(days) - 1 - index) % 7 == 0:  # today and every seventh day before it
            labels.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                    _number(x + bar / 2),
                    baseline + FONT_SIZE + 6,
                    when,
                )
            )

    return format_html(
        '<svg class="dashboard-chart" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="dashboard-chart-title" font-size="{}" fill="currentColor" '
        'preserveAspectRatio="xMidYMid meet">'
        '<title id="dashboard-chart-title">{}</title>'
        '<g class="grid">{}</g><g class="bars">{}</g><g class="dates">{}</g></svg>',
        CHART_WIDTH,
        CHART_HEIGHT,
        FONT_SIZE,
        chart_summary(days),
        _join(grid),
        _join(bars),
        _join(labels),
    )


def _join(parts: Iterable[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def legend_swatch(colour: str) -> SafeString:
    """A small square of ``colour`` for the chart's legend (an SVG: no style attribute)."""
    return format_html(
        '<svg class="dashboard-swatch" width="12" height="12" viewBox="0 0 12 12" '
        'aria-hidden="true" focusable="false"><rect width="12" height="12" fill="{}"/></svg>',
        colour,
    )


def dashboard_context(now: datetime | None = None, user_id: int | None = None) -> dict:
    """
    Every figure of the dashboard at ``now`` (by default the current time);
    with ``user_id``, also that moderator's new spam (``new_spam``, for the
    navigation), counted with the statuses.
    """
    now = now or timezone.now()
    days = daily_outcomes(now)
    changelist = reverse("admin:comments_comment_changelist")
    # The queue's own figures, "about 1.8 million" at scale.
    counts = status_counts(new_spam_for=user_id)
    return {
        "now": now,
        "pending_count": int(counts[Status.PENDING].replace(",", "")),
        "new_spam": counts.get(NEW_SPAM, 0),
        "time_zone": str(site_zone()),
        "statuses": [
            {
                "status": status,
                "label": label,
                "count": counts[status],
                "url": f"{changelist}?status={status}",
            }
            for status, label, _colour in OUTCOMES
        ],
        "outcomes": [
            {"status": status, "label": label, "swatch": legend_swatch(colour)}
            for status, label, colour in OUTCOMES
        ],
        "days": [
            {"day": day.day, "counts": [day.count(s) for s, _l, _c in OUTCOMES], "total": day.total}
            for day in days
        ],
        "days_total": sum(day.total for day in days),
        "chart": chart_svg(days),
        "chart_days": CHART_DAYS,
        "first_day": days[0].day,
        "reasons": hold_reason_counts(now),
        "checks": [
            {
                "label": check.label,
                "reasons": check.reasons,
                "comments": check.comments,
                "counts": [check.count(s) for s, _l, _c in OUTCOMES],
            }
            for check in check_catches(now)
        ],
        "median_wait": format_wait(median_time_to_approval(now)),
        "discussed": most_discussed(now),
        "discussed_days": TOP_ARTICLES_DAYS,
    }


def dashboard_view(request, model_admin):
    """The moderation dashboard, for staff who may view comments (wrapped in admin_view)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    figures = dashboard_context(user_id=request.user.pk)
    # The navigation's counts, already made with the statuses.
    remember_counts(request, figures["pending_count"], figures["new_spam"])
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Moderation dashboard",
        "opts": model_admin.opts,
        **figures,
    }
    return TemplateResponse(request, "admin/comments/comment/dashboard.html", context)
