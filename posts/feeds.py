"""RSS 2.0 and Atom feeds of the latest published articles, for the site and per tag."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from posts.models import Article, Quotation, SiteSettings, Tag
from posts.rendering import place_quotations

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    """/feed/: the latest published articles as RSS 2.0."""

    def title(self):
        return SiteSettings.load().name

    def description(self):
        return SiteSettings.load().tagline

    def link(self):
        return reverse("posts:index")

    def feed_url(self):
        return reverse("posts:feed")

    def items(self):
        return self.articles(Article.objects.published())

    def articles(self, queryset):
        return queryset.for_listing().prefetch_related(
            Prefetch("quotations", queryset=Quotation.objects.select_related("outlet"))
        )[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        """The dek, or without one the whole body with its quotations in place."""
        if item.dek:
            return item.dek
        body_html, sources = place_quotations(item.body_html, item.quotations.all())
        return body_html + "".join(
            render_to_string("posts/quotation.html", {"quotation": quotation})
            for quotation in sources
        )

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.authors.all()) or None

    def item_pubdate(self, item):
        return item.pub_date

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """/feed/atom/: the same articles as Atom."""

    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description

    def feed_url(self):
        return reverse("posts:feed-atom")


class TagFeed(LatestArticlesFeed):
    """/tag/<slug>/feed/: the latest published articles with one tag."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return f"{SiteSettings.load().name}: {obj.name}"

    def description(self, obj):
        return f"Articles tagged “{obj.name}”."

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse("posts:tag-feed", kwargs={"slug": obj.slug})

    def items(self, obj):
        return self.articles(Article.objects.published().filter(tags=obj))
