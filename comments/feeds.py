"""RSS feeds of approved comments; they carry names, never email addresses."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404

import pagecache
from comments import signals
from comments.models import Comment
from posts.feeds import SafeRssFeed
from posts.models import Article, SiteSettings

FEED_LENGTH = 30


@pagecache.cached_page(signals.SCOPE)
class LatestCommentsFeed(Feed):
    # Every string goes through markup's XML filter (article titles included).
    feed_type = SafeRssFeed

    def title(self):
        return f"Comments for {SiteSettings.load().name}"

    def link(self):
        return "/"

    def description(self):
        return f"The latest approved comments on {SiteSettings.load().name}."

    def items(self):
        return (
            Comment.objects.approved()
            .filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-submitted", "-id")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"Comment on {item.article.title} by {item.author_name}"

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"comment-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.submitted

    def item_author_name(self, item):
        return item.author_name


class ArticleCommentsFeed(LatestCommentsFeed):
    def get_object(self, request, year, month, slug):
        return get_object_or_404(
            Article.objects.published().in_month(int(year), int(month)), slug=slug
        )

    def title(self, article):
        return f"Comments on: {article.title}"

    def link(self, article):
        return article.get_absolute_url() + "#comments"

    def description(self, article):
        return f"Approved comments on “{article.title}”."

    def items(self, article):
        return (
            Comment.objects.approved()
            .filter(article=article)
            .select_related("article")
            .order_by("-submitted", "-id")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"By: {item.author_name}"
