"""
The emails the comments app sends, built here and sent by comments/tasks.py
(never inside a reader's request):

- to the moderators, when a comment is held;
- to a reader who ticked "Notify me of follow-up replies by email": the
  confirmation (double opt-in), each approved reply to their comment, and the
  approval of their held comment.

Each reader's email goes to that reader alone and shows no other reader's
address (a reply's author is named, never addressed). Reader emails are plain
text with an HTML alternative; the reply's HTML is the sanitized ``body_html``
(markup/'s comment policy), its text that HTML's text. Every notification
carries a one-click unsubscribe (RFC 8058 ``List-Unsubscribe`` and
``List-Unsubscribe-Post``) and a "stop all emails from this site" link.
"""

from __future__ import annotations

import html

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags

from comments import subscriptions
from comments.models import Comment, Subscriber, Subscription
from posts.models import SiteSettings


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def comment_link(comment: Comment) -> str:
    """The comment's permalink: redirects to the page of comments that shows it, at #comment-ID."""
    return absolute(reverse("comments:permalink", args=[comment.pk]))


def plain_text(body_html: str) -> str:
    """The text of sanitized comment HTML, paragraphs kept apart."""
    text = body_html.replace("</p>", "</p>\n\n").replace("<br>", "\n").replace("<br/>", "\n")
    return html.unescape(strip_tags(text)).strip()


def moderators_message(comment: Comment, recipients: list[str]) -> EmailMessage:
    """Held comment: its text, why it was held and links to it in the queue."""
    context = {
        "comment": comment,
        "reasons": [str(reason) for reason in comment.hold_reasons.all()],
        "change_url": absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
        "queue_url": absolute(reverse("admin:comments_comment_changelist")),
        "article": comment.target,
        "article_url": absolute(comment.target.get_absolute_url()),
    }
    subject = f"Comment awaiting moderation: “{comment.target.title}”"
    body = render_to_string("comments/email/held_comment.txt", context)
    return EmailMessage(subject, body, None, recipients)


def _reader_message(
    template: str, subject: str, to: str, context: dict, unsubscribe_url: str | None
) -> EmailMultiAlternatives:
    context = {"site_name": SiteSettings.load().name, "site_url": settings.SITE_URL, **context}
    text = render_to_string(f"comments/email/{template}.txt", context)
    page = render_to_string(f"comments/email/{template}.html", context)
    headers = {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject, text, None, [to], headers=headers)
    message.attach_alternative(page, "text/html")
    return message


def _stop_links(subscription: Subscription) -> dict:
    return {
        "unsubscribe_url": absolute(
            reverse("comments:unsubscribe", args=[subscriptions.unsubscribe_token(subscription)])
        ),
        "stop_all_url": absolute(
            reverse(
                "comments:stop-all",
                args=[subscriptions.stop_all_token(subscription.subscriber)],
            )
        ),
    }


def confirmation_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    """The double opt-in: a signed link, valid CONFIRMATION_MAX_AGE."""
    token = subscriptions.confirmation_token(subscriber)
    context = {
        "confirm_url": absolute(reverse("comments:confirm", args=[token])),
        "stop_all_url": absolute(
            reverse("comments:stop-all", args=[subscriptions.stop_all_token(subscriber)])
        ),
        "days": subscriptions.CONFIRMATION_MAX_AGE.days,
    }
    site = SiteSettings.load().name
    return _reader_message(
        "confirm", f"Confirm reply notifications from {site}", subscriber.email, context, None
    )


def reply_message(subscription: Subscription, reply: Comment) -> EmailMultiAlternatives:
    """A reply to the subscriber's comment was approved: its text and a link to it."""
    links = _stop_links(subscription)
    context = {
        "reply": reply,
        "article": reply.target,
        "reply_text": plain_text(reply.body_html),
        "reply_html": reply.body_html,
        "reply_url": comment_link(reply),
        **links,
    }
    subject = f"{reply.author_name} replied to your comment on “{reply.target.title}”"
    return _reader_message(
        "reply", subject, subscription.subscriber.email, context, links["unsubscribe_url"]
    )


def approved_message(subscription: Subscription) -> EmailMultiAlternatives:
    """The subscriber's held comment is now published."""
    comment = subscription.comment
    links = _stop_links(subscription)
    context = {
        "comment": comment,
        "article": comment.target,
        "comment_url": comment_link(comment),
        **links,
    }
    subject = f"Your comment on “{comment.target.title}” is published"
    return _reader_message(
        "approved", subject, subscription.subscriber.email, context, links["unsubscribe_url"]
    )
