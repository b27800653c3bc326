"""
Commenters' personal data: export, erasure and retention.

What the site holds about a commenter is their comments: name, email
address, website, text, IP address, browser (user agent), the times, the
captcha score, the moderation status and reasons, and whether they asked to be
remembered in their browser (cookie consent). The functions here answer the
requests the GDPR gives a reader, matching WordPress 4.9.6's personal data
tools:

- ``export_personal_data(email)``: everything held for an address, as a
  JSON-ready dict;
- ``erase_personal_data(email, erase_text=False)``: the comments stay (so the
  discussion still reads) but under "Anonymous", without email, website, IP
  address or user agent; with ``erase_text`` the text becomes "[deleted]";
  the address's reply-notification subscriptions end (its Subscriber row,
  its subscriptions and its record of sent emails are deleted);
- ``purge_expired_network_data(days)``: IP addresses and user agents are
  removed from comments older than ``COMMENT_IP_RETENTION_DAYS``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from comments.models import Comment, HoldReason, Subscriber, comments_changed

ANONYMOUS_NAME = "Anonymous"
DELETED_TEXT = "[deleted]"


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def comments_by_email(email: str) -> QuerySet[Comment]:
    """Every comment written with this address, whatever its status (case ignored)."""
    email = normalize_email(email)
    if not email:
        return Comment.objects.none()
    return Comment.objects.filter(author_email__iexact=email)


def comments_by_emails(emails) -> QuerySet[Comment]:
    query = Q()
    for email in {normalize_email(e) for e in emails if normalize_email(e)}:
        query |= Q(author_email__iexact=email)
    if not query:
        return Comment.objects.none()
    return Comment.objects.filter(query)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def comment_record(comment: Comment) -> dict[str, Any]:
    """
    One comment as exported: every stored field, readable. What it answers
    is under "article" or, for a page's comment, "page".
    """
    target = comment.target
    return {
        "id": comment.pk,
        ("page" if comment.page_id is not None else "article"): {
            "id": target.pk,
            "title": target.title,
            "url": settings.SITE_URL + target.get_absolute_url(),
        },
        "in_reply_to": comment.parent_id,
        "url": settings.SITE_URL + comment.get_absolute_url(),
        "name": comment.author_name,
        "email": comment.author_email,
        "website": comment.author_url,
        "text": comment.body,
        "status": comment.status,
        "hold_reasons": [str(reason) for reason in comment.hold_reasons.all()],
        "captcha_score": comment.captcha_score,
        "ip_address": comment.ip_address,
        "user_agent": comment.user_agent,
        "cookie_consent": comment.cookie_consent,
        "submitted": _iso(comment.submitted),
        "approved_at": _iso(comment.approved_at),
        "wordpress_id": comment.wordpress_id,
    }


def export_personal_data(email: str) -> dict[str, Any]:
    """Everything held about the commenter with this address, ready for json.dumps."""
    comments = (
        comments_by_email(email)
        .select_related("article", "page")
        .prefetch_related("hold_reasons")
        .order_by("submitted", "id")
    )
    return {
        "email": normalize_email(email),
        "exported_at": timezone.now().isoformat(),
        "site": settings.SITE_URL,
        "comments": [comment_record(comment) for comment in comments],
        "reply_notifications": notification_record(email),
    }


def notification_record(email: str) -> dict[str, Any] | None:
    """The address's reply-notification state and subscribed comments, or None."""
    subscriber = (
        Subscriber.objects.filter(email=normalize_email(email))
        .prefetch_related("subscriptions")
        .first()
    )
    if subscriber is None:
        return None
    return {
        "asked": _iso(subscriber.created),
        "confirmed_at": _iso(subscriber.confirmed_at),
        "confirmation_sent_at": _iso(subscriber.confirmation_sent_at),
        "stopped_all_at": _iso(subscriber.stopped_at),
        "subscribed_comments": [
            {"comment": subscription.comment_id, "since": _iso(subscription.created)}
            for subscription in subscriber.subscriptions.all()
        ],
        "emails_sent": subscriber.sent_emails.filter(sent_at__isnull=False).count(),
    }


def export_many(emails) -> dict[str, Any]:
    """Several commenters' exports, keyed by address."""
    return {
        "exported_at": timezone.now().isoformat(),
        "people": [
            export_personal_data(email) for email in sorted(set(map(normalize_email, emails)))
        ],
    }


@transaction.atomic
def erase_personal_data(email: str, *, erase_text: bool = False) -> int:
    """
    Anonymise every comment written with this address and return how many.

    Name becomes "Anonymous"; email, website, IP address and user agent are
    removed, and the cookie-consent flag cleared; the text stays unless
    ``erase_text``, when it becomes "[deleted]". Moderation status is kept.
    """
    end_subscriptions([email])
    return _erase(comments_by_email(email), erase_text=erase_text)


def erase_many(emails, *, erase_text: bool = False) -> int:
    with transaction.atomic():
        end_subscriptions(emails)
        return _erase(comments_by_emails(emails), erase_text=erase_text)


def end_subscriptions(emails) -> int:
    """Forget these addresses' reply notifications (subscriptions and sent-email records)."""
    addresses = {normalize_email(email) for email in emails if normalize_email(email)}
    deleted, _ = Subscriber.objects.filter(email__in=addresses).delete()
    return deleted


def _erase(comments: QuerySet[Comment], *, erase_text: bool) -> int:
    changes: dict[str, Any] = {
        "author_name": ANONYMOUS_NAME,
        "author_email": "",
        "author_url": "",
        "ip_address": None,
        "user_agent": "",
        "cookie_consent": False,
    }
    if erase_text:
        from comments.sanitize import sanitize_comment

        changes["body"] = DELETED_TEXT
        changes["body_html"] = sanitize_comment(DELETED_TEXT)
    ids = list(comments.values_list("pk", flat=True))
    if not ids:
        return 0
    Comment.objects.filter(pk__in=ids).update(**changes)
    # update() sends no signals: drop the cached pages showing an erased name.
    shown = list(
        Comment.objects.filter(pk__in=ids, status=Comment.Status.APPROVED).values_list(
            "article_id", "page_id"
        )
    )
    comments_changed.send(
        sender=Comment,
        article_ids={article_id for article_id, _ in shown if article_id},
        page_ids={page_id for _, page_id in shown if page_id},
    )
    # A reason's detail may quote the email, website, IP address or user agent.
    HoldReason.objects.filter(comment__in=ids).update(detail="")
    return len(ids)


def purge_expired_network_data(days: int | None = None, *, now: datetime | None = None) -> int:
    """
    Remove IP addresses and user agents from comments submitted more than
    ``days`` (default COMMENT_IP_RETENTION_DAYS) ago; return how many changed.
    """
    days = settings.COMMENT_IP_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return (
        Comment.objects.filter(submitted__lt=cutoff)
        .filter(Q(ip_address__isnull=False) | ~Q(user_agent=""))
        .update(ip_address=None, user_agent="")
    )


def purge_commenter_ips_job() -> str:
    """The daily job (maintenance.run_daily): purge_expired_network_data, said in a line."""
    days = settings.COMMENT_IP_RETENTION_DAYS
    count = purge_expired_network_data(days)
    return (
        f"removed IP addresses and user agents from {count} comment{'s' if count != 1 else ''} "
        f"older than {days} day{'s' if days != 1 else ''}"
    )
