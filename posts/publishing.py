"""
What the article form's save button and messages say: "Save draft",
"Publish", "Schedule for 3 Dec, 09:00" or "Update" before saving (also
computed in the browser by posts/static/posts/admin-publish.js as the editor
changes the status and time), and "Draft saved.", "Article published.",
"Scheduled for …", "Article updated." after.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date

from posts.models import Article

SCHEDULE_FORMAT = "j M, H:i"
PUBLISHING = {Article.Status.PUBLISHED, Article.Status.SCHEDULED}


def when(moment: datetime) -> str:
    """A publication time as the buttons and messages show it: "3 Dec, 09:00" (site time)."""
    return format_date(timezone.localtime(moment), SCHEDULE_FORMAT)


def save_label(status: str, pub_date: datetime | None, was_published: bool) -> str:
    """The save button's words for a form with this status and time."""
    if status not in PUBLISHING:
        return "Save draft"
    if pub_date is not None and pub_date > timezone.now():
        return f"Schedule for {when(pub_date)}"
    return "Update" if was_published else "Publish"


def saved_message(article: Article, was_published: bool) -> str:
    """What the editor is told once the article is saved."""
    if article.status not in PUBLISHING:
        return "Draft saved."
    if not article.is_published():
        return f"Scheduled for {when(article.pub_date)}."
    return "Article updated." if was_published else "Article published."
