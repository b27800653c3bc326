"""Email to the moderators when a comment is held for moderation."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)


def notify_moderators(comment, discussion) -> int:
    """
    Email the Discussion settings' moderator addresses about a held comment:
    its text, why it was held and links to it in the queue. Returns the number
    of messages sent; a failing mail server is logged, never raised.
    """
    recipients = discussion.moderator_email_list()
    if not recipients:
        return 0
    site_url = settings.SITE_URL.rstrip("/")
    context = {
        "comment": comment,
        "reasons": [str(reason) for reason in comment.hold_reasons.all()],
        "change_url": site_url + reverse("admin:comments_comment_change", args=[comment.pk]),
        "queue_url": site_url + reverse("admin:comments_comment_changelist"),
        "article_url": site_url + comment.article.get_absolute_url(),
    }
    subject = f"Comment awaiting moderation: “{comment.article.title}”"
    body = render_to_string("comments/email/held_comment.txt", context)
    try:
        return send_mail(subject, body, None, recipients)
    except Exception:  # SMTP, DNS, anything: the comment is stored, the mail is not critical.
        logger.exception("Could not email the moderators about comment %s", comment.pk)
        return 0
