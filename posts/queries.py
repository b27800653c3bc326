"""
The queries every reader's page makes, compiled once per process (prepared):
the same rules as the querysets they are built from (``published()``), at a
fraction of the CPU. Each takes its values by name and returns a list.
"""

from datetime import datetime
from functools import cache

from django.db import models

from posts.models import Article, Quotation
from prepared import PreparedQuery

# The published article at /YYYY/MM/<slug>/: [article] or [].
published_article = PreparedQuery(
    lambda now, start, end, slug: (
        Article.objects.published(now).between(start, end).filter(slug=slug)[:1]
    ),
    now=datetime,
    start=datetime,
    end=datetime,
    slug=str,
)


def published_listing(now: datetime):
    """
    The home page's list, and the one other lists filter: published articles
    with their comment counts, newest first.
    """
    # An explicit order: Meta.ordering is not applied to the GROUP BY
    # query that counting comments makes.
    return Article.objects.published(now).with_comment_counts().order_by("-pub_date", "-id")


def tagged_listing(now: datetime, group_id: int):
    """A tag's page: its published articles."""
    return published_listing(now).filter(tags=group_id)


def authored_listing(now: datetime, group_id: int):
    """An author's page: their published articles."""
    return published_listing(now).filter(authors=group_id)


def quoting_listing(now: datetime, group_id: int):
    """An outlet's page: the published articles quoting it."""
    quoting = Quotation.objects.filter(outlet=group_id).values("article_id")
    return published_listing(now).filter(pk__in=quoting)


def group_with_slug(model: type[models.Model], slug: str):
    """The tag, author or outlet (``model``) with this slug, or None."""
    found = _with_slug(model)(slug=slug)
    return found[0] if found else None


@cache
def _with_slug(model: type[models.Model]) -> PreparedQuery:
    return PreparedQuery(lambda slug: model._default_manager.filter(slug=slug)[:1], slug=str)


# The feeds' articles (posts.feeds): the latest FEED_LENGTH published, of the site or of a tag.
FEED_LENGTH = 20
feed_articles = PreparedQuery(
    lambda now: Article.objects.published(now)[:FEED_LENGTH], now=datetime
)
tag_feed_articles = PreparedQuery(
    lambda now, tag_id: Article.objects.published(now).filter(tags=tag_id)[:FEED_LENGTH],
    now=datetime,
    tag_id=int,
)
