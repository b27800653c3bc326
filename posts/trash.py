"""
The trash's end: articles and pages in the trash for TRASH_RETENTION_DAYS
days are deleted for good by the daily job (maintenance.register_daily, from
PostsConfig.ready), an article with its comments, quotations and old
WordPress addresses, a page with its comments (their foreign keys cascade). Each deletion drops the
cached pages (posts.signals) and an article's image files once committed.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import ProtectedError

from posts.models import Article, Page

logger = logging.getLogger(__name__)


@dataclass
class Purged:
    """What one emptying of the trash deleted."""

    articles: int = 0
    pages: int = 0
    comments: int = 0
    kept: int = 0  # pages still holding pages not in the trash (PROTECT)


def purge_expired(now: datetime | None = None) -> Purged:
    """
    Delete the articles and pages trashed TRASH_RETENTION_DAYS days ago or
    more, one by one (Article.delete() removes the image files). Pages go
    deepest first, so a page's children are gone before it.
    """
    purged = Purged()
    for article in Article.objects.trash_expired(now).order_by("trashed_at", "pk"):
        _, deleted = article.delete()
        purged.articles += 1
        purged.comments += deleted.get("comments.Comment", 0)
    pages = list(Page.objects.trash_expired(now).only("pk", "path"))
    for page in sorted(pages, key=lambda page: -page.path.count("/")):
        try:
            _, deleted = page.delete()
        except ProtectedError:
            # A page added under it since it went to the trash: keep both.
            logger.warning("Page /%s/ stays in the trash: pages not in it sit under it", page.path)
            purged.kept += 1
        else:
            purged.pages += 1
            purged.comments += deleted.get("comments.Comment", 0)
    return purged


def purge_job() -> str:
    """The daily job: empty the trash of what has been there long enough, said in a line."""
    purged = purge_expired()
    line = (
        f"deleted {purged.articles} article(s) with {purged.comments} comment(s) "
        f"and {purged.pages} page(s) from the trash"
    )
    if purged.kept:
        line += f"; kept {purged.kept} page(s) that pages not in the trash sit under"
    return line
