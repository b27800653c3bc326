"""
The sitemap, in sections listed by the index at /sitemap.xml: ``pages`` (the
home page and the published pages), ``tags``, ``authors``, ``sources``, and the
published articles of each month, ``articles-YYYY-MM`` (site's time zone). The
home page, the pages and the articles have a ``lastmod``, the groups not (see
GroupSitemap). The index costs no query per article: its entries have no
lastmod (the latest change of each month means reading every article), and a
month is one file (a month of more than 50,000 articles is not expected); the
group sections longer than their ``limit`` are split into pages (``?p=2``...).
"""

import re

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.urls import reverse

from posts import archives
from posts.models import Article, Author, Outlet, Page, Tag

# URLs per file of the tags, authors and sources: the protocol allows 50,000
# (and 50 MB), but a file is rendered at tens of microseconds a URL, so files
# stay small enough to render in a few tens of milliseconds.
SECTION_LIMIT = 2000
# A month's articles are one file (the index does not count them): the
# protocol's limit. A month has a few hundred articles.
MONTH_LIMIT = 50_000
ARTICLE_SECTION = re.compile(r"articles-(?P<year>[0-9]{4})-(?P<month>[0-9]{2})\Z")


class KnownSizeSitemap(Sitemap):
    """
    A section whose number of files the index may know without counting its
    items (``count``: any number of items that makes that many files).
    """

    limit = SECTION_LIMIT

    def __init__(self, count=None):
        self.count = count

    @property
    def paginator(self):
        if self.count is not None:  # The index: no queryset to build.
            return Paginator(range(self.count), self.limit)
        return Paginator(self._items(), self.limit)

    def get_latest_lastmod(self):
        """None: the index's entries have no lastmod (see the module docstring)."""
        return None


class HomeSitemap(KnownSizeSitemap):
    """The home page, the tag index, then the published pages (About, Masthead...) by address."""

    def items(self):
        pages = Page.objects.published().only("path", "updated_at").order_by("path")
        return ["posts:index", "posts:tags", *pages]

    def location(self, item):
        return item.get_absolute_url() if isinstance(item, Page) else reverse(item)

    def lastmod(self, item):
        """A page's last update; for the home page the latest change to its articles."""
        if isinstance(item, Page):
            return item.updated_at
        if item == "posts:tags":
            return None  # The tags' latest article: a join over every article (GroupSitemap).
        newest = Article.objects.published().order_by("-pub_date", "-id")[:10]
        return max(newest.values_list("updated", flat=True), default=None)

    def changefreq(self, item):
        if item == "posts:tags":
            return "daily"
        return "monthly" if isinstance(item, Page) else "hourly"

    def priority(self, item):
        if item == "posts:tags":
            return 0.5
        return 0.6 if isinstance(item, Page) else 1.0


class ArticleMonthSitemap(KnownSizeSitemap):
    """The articles published in one month, oldest first."""

    changefreq = "weekly"
    priority = 0.8
    limit = MONTH_LIMIT

    def __init__(self, year, month, **kwargs):
        super().__init__(**kwargs)
        self.year, self.month = year, month

    def items(self):
        return (
            Article.objects.published()
            .in_month(self.year, self.month)
            .only("slug", "pub_date", "updated")
            .order_by("pub_date", "id")
        )

    def lastmod(self, item):
        return item.updated


class GroupSitemap(KnownSizeSitemap):
    """
    Tags, authors or outlets with at least one published article. No lastmod:
    a group's latest article is a join of every article with its groups (a
    few hundred milliseconds at 100,000 articles), where whether a group has
    one stops at the first found.
    """

    changefreq = "daily"
    priority = 0.5
    model = None
    articles_of = ""  # The lookup from an article to its groups.

    def items(self):
        published = Article.objects.published().filter(**{self.articles_of: OuterRef("pk")})
        return self.model.objects.filter(Exists(published)).only("slug").order_by("slug")

    @property
    def paginator(self):
        """
        Pages counted from every group, with articles or not: a cheap upper
        bound. A page past the last group is an empty file.
        """
        paginator = Paginator(self._items(), self.limit)
        paginator.count = self.model.objects.count()
        return paginator


class TagSitemap(GroupSitemap):
    model = Tag
    articles_of = "tags"


class AuthorSitemap(GroupSitemap):
    model = Author
    articles_of = "authors"


class OutletSitemap(GroupSitemap):
    model = Outlet
    articles_of = "quotations__outlet"


OTHER_SECTIONS = {
    "pages": HomeSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "sources": OutletSitemap,
}


def sections() -> dict[str, Sitemap]:
    """
    Every section, for the index: the months from the first published article
    to the latest (one query reading two index entries; a month without
    articles is an empty section), then the counts of tags, authors and
    outlets for their pages.
    """
    found = {name: kind() for name, kind in OTHER_SECTIONS.items()}
    # The home page and a few dozen pages: one file, not counted.
    found["pages"] = HomeSitemap(count=1)
    for month in archives.published_months():
        # One file (MONTH_LIMIT): the index need not count the month's articles.
        found[f"articles-{month:%Y-%m}"] = ArticleMonthSitemap(month.year, month.month, count=1)
    return found


def section(name: str) -> Sitemap | None:
    """The section called ``name``, or None."""
    if name in OTHER_SECTIONS:
        return OTHER_SECTIONS[name]()
    match = ARTICLE_SECTION.match(name)
    if match and 1 <= int(match["month"]) <= 12:
        return ArticleMonthSitemap(int(match["year"]), int(match["month"]))
    return None
