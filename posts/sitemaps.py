"""The sitemap: the home page, every published article, and the tag, author and source pages."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from posts.models import Article, Author, Outlet, Quotation, Tag


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["posts:index"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "pub_date", "updated")

    def lastmod(self, item):
        return item.updated


class GroupSitemap(Sitemap):
    """Tags, authors or outlets with at least one published article."""

    changefreq = "daily"
    priority = 0.5
    model = None
    article_filter = ""

    def items(self):
        published = Article.objects.published().filter(**{self.article_filter: OuterRef("pk")})
        return self.model.objects.filter(Exists(published)).order_by("slug")


class TagSitemap(GroupSitemap):
    model = Tag
    article_filter = "tags"


class AuthorSitemap(GroupSitemap):
    model = Author
    article_filter = "authors"


class OutletSitemap(GroupSitemap):
    model = Outlet

    def items(self):
        quoted = Quotation.objects.filter(
            outlet=OuterRef("pk"), article__in=Article.objects.published()
        )
        return Outlet.objects.filter(Exists(quoted)).order_by("slug")


sitemaps = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "sources": OutletSitemap,
}
