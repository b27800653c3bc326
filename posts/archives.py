"""
The archive by year and month, in the site's time zone: the span of months
with published articles, how many articles each month of a year has, and the
months next to a month. Each is one query whatever the number of articles.
"""

from datetime import date, datetime

from django.db.models import Count, Max, Min
from django.db.models.functions import TruncMonth
from django.utils import timezone

from posts.models import Article, month_span


def month_start(year: int, month: int) -> datetime:
    """Midnight on the first of that month, in the site's time zone."""
    return datetime(year, month, 1, tzinfo=timezone.get_current_timezone())


def _counts(articles, trunc) -> list[tuple[date, int]]:
    rows = (
        articles.annotate(period=trunc("pub_date"))
        .values("period")
        .annotate(count=Count("pk"))
        .order_by("period")
        .values_list("period", "count")
    )
    return [(timezone.localtime(period).date(), count) for period, count in rows]


def month_counts(year: int) -> list[tuple[date, int]]:
    """(first day of the month, published articles) for the year's months that have any."""
    january, december = month_span(year, 1), month_span(year, 12)
    if january is None or december is None:  # year 0, 9999: not a whole calendar year
        return []
    articles = Article.objects.published().between(january[0], december[1])
    return _counts(articles, TruncMonth)


def published_months() -> list[date]:
    """
    The first day of every month from the first published article's to the
    latest's, oldest first. One query reading two rows of the publication-time
    index (counting articles by month would read every article).
    """
    span = Article.objects.published().aggregate(first=Min("pub_date"), last=Max("pub_date"))
    if span["first"] is None:
        return []
    first, last = (timezone.localtime(span[end]).date() for end in ("first", "last"))
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [
        date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
        for n in range(count)
    ]


def published_years() -> list[int]:
    """Every year from the first published article's to the latest's, oldest first."""
    return sorted({month.year for month in published_months()})


def neighbour_month(year: int, month: int, *, later: bool) -> date | None:
    """The first day of the nearest month before (or after) this one with a published article."""
    articles = Article.objects.published()
    if later:
        end = month_start(year + month // 12, month % 12 + 1)
        moments = articles.filter(pub_date__gte=end).order_by("pub_date")
    else:
        moments = articles.filter(pub_date__lt=month_start(year, month)).order_by("-pub_date")
    moment = moments.values_list("pub_date", flat=True).first()
    return timezone.localtime(moment).date().replace(day=1) if moment else None


def neighbour_year(year: int, *, later: bool) -> int | None:
    """The nearest year before (or after) this one with a published article."""
    found = neighbour_month(year, 12 if later else 1, later=later)
    return found.year if found else None
