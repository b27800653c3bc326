"""
The queries every reader's page makes, compiled once per process (prepared):
the same rules as the querysets they are built from (``published()``), at a
fraction of the CPU. Each takes its values by name and returns a list.
"""

from datetime import datetime

from posts.models import Article
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
