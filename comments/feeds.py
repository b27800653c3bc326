"""RSS feeds of approved comments; they carry names, never email addresses."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404

import pagecache
from comments import signals
from comments.models import Comment
from posts import views as posts_views
from posts.feeds import SafeRssFeed
from posts.models import Article, Page, SiteSettings

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
        """
        The newest approved comments on published articles and on published
        pages taking comments, merged: with one query and an OR, PostgreSQL
        would read every published article first.
        """
        newest = Comment.objects.approved().order_by("-submitted", "-id")
        on_articles = newest.filter(article__in=Article.objects.published()).select_related(
            "article"
        )[:FEED_LENGTH]
        # The few pages taking comments first, then their comments by the page
        # index (a join would walk every comment when no page has any).
        page_ids = list(
            Page.objects.published().filter(comments_open=True).values_list("pk", flat=True)
        )
        on_pages = (
            newest.filter(page_id__in=page_ids).select_related("page")[:FEED_LENGTH]
            if page_ids
            else []
        )
        comments = [*on_articles, *on_pages]
        comments.sort(key=lambda comment: (comment.submitted, comment.pk), reverse=True)
        return comments[:FEED_LENGTH]

    def item_title(self, item):
        return f"Comment on {item.target.title} by {item.author_name}"

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
    """/YYYY/MM/<slug>/feed/: an article's approved comments; 410 Gone when it is in the trash."""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            if self.trashed(**kwargs):
                return posts_views.gone(request, self.kind)
            raise

    kind = "article"

    def trashed(self, year, month, slug) -> bool:
        return Article.objects.trashed().in_month(int(year), int(month)).filter(slug=slug).exists()

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
            .on(article)
            .select_related("article", "page")
            .order_by("-submitted", "-id")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"By: {item.author_name}"


class PageCommentsFeed(ArticleCommentsFeed):
    """/<page path>/feed/: a page's approved comments, when it takes comments."""

    kind = "page"

    def trashed(self, path) -> bool:
        return Page.objects.trashed().filter(path=path).exists()

    def get_object(self, request, path):
        return get_object_or_404(Page.objects.published().filter(comments_open=True), path=path)
