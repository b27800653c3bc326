"""RSS 2.0 and Atom feeds of the latest published articles, for the site and per tag."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

import pagecache
from markup.text import xml_safe
from posts import queries
from posts.models import Article, SiteSettings, Tag
from posts.parts import article_parts
from posts.rendering import place_quotations, quotation_html


def _xml_safe_value(value):
    """
    Strings, and lists or tuples of them, through markup's ``xml_safe`` (editors
    sometimes paste control characters from elsewhere); other values pass.
    """
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe_value(item) for item in value)
    return value


class XMLSafeFeedMixin:
    """A feed generator that never fails on a stray control character."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *map(_xml_safe_value, args), **{k: _xml_safe_value(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *map(_xml_safe_value, args), **{k: _xml_safe_value(v) for k, v in kwargs.items()}
        )


class SafeRssFeed(XMLSafeFeedMixin, Rss201rev2Feed):
    pass


class SafeAtomFeed(XMLSafeFeedMixin, Atom1Feed):
    pass


@pagecache.cached_page("comments")
class LatestArticlesFeed(Feed):
    """/feed/: the latest published articles as RSS 2.0."""

    feed_type = SafeRssFeed

    def title(self):
        return SiteSettings.load().name

    def description(self):
        return SiteSettings.load().tagline

    def link(self):
        return reverse("posts:index")

    def author_name(self):
        """The publication: Atom needs an author for entries without a byline."""
        return SiteSettings.load().name

    def feed_url(self):
        return reverse("posts:feed")

    def items(self):
        return self.with_parts(queries.feed_articles(now=timezone.now()))

    def with_parts(self, articles: list[Article]) -> list[Article]:
        """
        The articles, each with ``parts``: its authors, tags and quotations,
        read for all of them in one query (posts.parts).
        """
        found = article_parts([article.pk for article in articles], quotations=True)
        for article in articles:
            article.parts = found[article.pk]
        return articles

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        """The dek, or without one the whole body with its quotations in place."""
        if item.dek:
            # The dek is plain text; a description is HTML to a feed reader.
            return escape(item.dek)
        body_html, sources = place_quotations(item.body_html, item.parts.quotations)
        return body_html + "".join(quotation_html(quotation) for quotation in sources)

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.parts.authors) or None

    def item_author_email(self, item):
        """Never given: authors' addresses are private (RSS would print them)."""
        return None

    def item_pubdate(self, item):
        return item.pub_date

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [tag.name for tag in item.parts.tags]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """/feed/atom/: the same articles as Atom."""

    feed_type = SafeAtomFeed
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
        return self.with_parts(queries.tag_feed_articles(now=timezone.now(), tag_id=obj.pk))
