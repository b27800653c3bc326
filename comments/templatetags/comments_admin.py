"""
The moderators' counts in the admin's navigation and on its index page:
comments awaiting moderation and spam received since the moderator last
looked, each a link into its view of the queue. One query a page, none more on
the queue itself, where the status filter's counts already hold both
(comments.admin.CommentAdmin.changelist_view).
"""

from django import template
from django.http import HttpRequest
from django.urls import reverse

from comments.counting import NEW_SPAM, moderator_counts

register = template.Library()

# Where a request keeps its counts, so that a page showing them twice (the
# navigation and the index) counts once.
MEMO = "_moderation_counts"


def remember_counts(request: HttpRequest, pending: int, new_spam: int) -> None:
    """Store counts already made for this request (the queue's status filter)."""
    setattr(request, MEMO, {"pending": pending, NEW_SPAM: new_spam})


def counts_for(request: HttpRequest) -> dict[str, int]:
    """This request's counts: remembered, or counted now (one query)."""
    counts = getattr(request, MEMO, None)
    if counts is None:
        found = moderator_counts(request.user.pk)
        counts = {"pending": found.get("pending", 0), NEW_SPAM: found.get(NEW_SPAM, 0)}
        setattr(request, MEMO, counts)
    return counts


@register.inclusion_tag("admin/comments/moderation_counts.html", takes_context=True)
def moderation_counts(context, full: bool = False):
    """
    "3 pending · 2 new spam", each linking into the queue, for a user who may
    view comments; nothing for others. ``full`` spells the sentence out (the
    admin index).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("comments.view_comment"):
        return {"show": False}
    counts = counts_for(request)
    queue = reverse("admin:comments_comment_changelist")
    return {
        "show": True,
        "full": full,
        "pending": counts["pending"],
        "new_spam": counts[NEW_SPAM],
        "pending_url": queue,  # the queue opens on pending comments
        "spam_url": f"{queue}?status=spam",
        "dashboard_url": reverse("admin:comments_comment_dashboard"),
    }
