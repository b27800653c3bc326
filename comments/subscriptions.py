"""
Reply notifications: who asked to be emailed, double opt-in, and the signed
links that confirm and unsubscribe.

- A reader who ticks "Notify me of follow-up replies by email" subscribes the
  comment they posted. The first time an address asks, it gets a confirmation
  email (at most one a day) and nothing else until the link in it is followed.
- Links carry signed tokens (``django.core.signing``, salted per purpose) that
  name a row by its id, never an address: a confirmation token expires after
  ``CONFIRMATION_MAX_AGE``; unsubscribe tokens do not (an old email's link
  still works), and are the only credential the unsubscribe views need.
- Events before confirmation are not sent afterwards: the confirmation page
  lists the subscribed comments, approved ones linked, instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments.models import Comment, SentEmail, Subscriber, Subscription

CONFIRMATION_MAX_AGE = timedelta(days=7)
# A stranger could type someone else's address: one confirmation a day at most.
CONFIRMATION_INTERVAL = timedelta(days=1)

CONFIRM_SALT = "comments.subscriptions.confirm"
UNSUBSCRIBE_SALT = "comments.subscriptions.unsubscribe"
STOP_ALL_SALT = "comments.subscriptions.stop-all"


def normalize_email(email: str) -> str:
    """The stored form of an address: stripped, lower case."""
    return (email or "").strip().lower()


# Tokens -----------------------------------------------------------------------


def confirmation_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk}, salt=CONFIRM_SALT)


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"n": subscription.pk}, salt=UNSUBSCRIBE_SALT)


def stop_all_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk}, salt=STOP_ALL_SALT)


class BadToken(Exception):
    """A link that was altered, forged or (confirmation) expired; ``expired`` says which."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _load(token: str, salt: str, key: str, max_age: timedelta | None = None) -> int:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(expired=True) from None
    except signing.BadSignature:
        raise BadToken() from None
    pk = value.get(key) if isinstance(value, dict) else None
    if not isinstance(pk, int):
        raise BadToken()
    return pk


def subscriber_for_confirmation(token: str) -> Subscriber | None:
    """The subscriber a confirmation link names (None if erased since); BadToken if forged/old."""
    pk = _load(token, CONFIRM_SALT, "s", CONFIRMATION_MAX_AGE)
    return Subscriber.objects.filter(pk=pk).first()


def subscription_for_unsubscribe(token: str) -> tuple[int, Subscription | None]:
    """(id, the subscription or None when already gone); BadToken if forged."""
    pk = _load(token, UNSUBSCRIBE_SALT, "n")
    subscription = (
        Subscription.objects.select_related("comment__article", "comment__page", "subscriber")
        .filter(pk=pk)
        .first()
    )
    return pk, subscription


def subscriber_for_stop_all(token: str) -> Subscriber | None:
    pk = _load(token, STOP_ALL_SALT, "s")
    return Subscriber.objects.filter(pk=pk).first()


# Changes ----------------------------------------------------------------------


@dataclass
class Subscribed:
    subscription: Subscription
    # The confirmation email should be sent now (first request, or a day after the last).
    send_confirmation: bool


def subscribe(comment: Comment) -> Subscribed:
    """
    The author of ``comment`` asks for its replies. A new or unconfirmed
    address is due a confirmation (at most one a day); a stopped address
    starts over: it must confirm again before anything is sent.
    """
    email = normalize_email(comment.author_email)
    now = timezone.now()
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.select_for_update().get_or_create(email=email)
        if subscriber.stopped_at is not None:
            # Only the address's owner can stop: starting over sends a confirmation at once.
            subscriber.stopped_at = None
            subscriber.confirmed_at = None
            subscriber.confirmation_sent_at = None
        send = subscriber.confirmed_at is None and (
            subscriber.confirmation_sent_at is None
            or now - subscriber.confirmation_sent_at >= CONFIRMATION_INTERVAL
        )
        if send:
            subscriber.confirmation_sent_at = now
        subscriber.save()
        subscription, _ = Subscription.objects.get_or_create(subscriber=subscriber, comment=comment)
    return Subscribed(subscription, send)


def confirm(subscriber: Subscriber) -> bool:
    """Mark the address confirmed; False when it already was."""
    if subscriber.confirmed_at is not None and subscriber.stopped_at is None:
        return False
    subscriber.confirmed_at = timezone.now()
    subscriber.stopped_at = None
    subscriber.save(update_fields=["confirmed_at", "stopped_at"])
    return True


def unsubscribe(subscription: Subscription) -> None:
    Subscription.objects.filter(pk=subscription.pk).delete()


def stop_all(subscriber: Subscriber) -> int:
    """No more email to this address; its subscriptions end. Returns how many ended."""
    with transaction.atomic():
        ended, _ = Subscription.objects.filter(subscriber=subscriber).delete()
        Subscriber.objects.filter(pk=subscriber.pk).update(stopped_at=timezone.now())
    return ended


# Who is told what -------------------------------------------------------------


def emailable(queryset):
    """Subscriptions whose address confirmed and did not stop everything."""
    return queryset.filter(
        subscriber__confirmed_at__isnull=False, subscriber__stopped_at__isnull=True
    )


def reply_recipients(reply: Comment) -> list[Subscription]:
    """
    The subscriptions to tell about an approved reply: those of the comment it
    answers, except the reply's own author (no one is told of their own words).
    """
    if reply.parent_id is None:
        return []
    own = normalize_email(reply.author_email)
    return [
        subscription
        for subscription in emailable(
            Subscription.objects.filter(comment_id=reply.parent_id)
        ).select_related("subscriber")
        if not own or subscription.subscriber.email != own
    ]


def approval_recipient(comment: Comment) -> Subscription | None:
    """The author's subscription, when they may be told their held comment was approved."""
    return (
        emailable(Subscription.objects.filter(comment=comment)).select_related("subscriber").first()
    )


def subscriptions_of(subscriber: Subscriber):
    return Subscription.objects.filter(subscriber=subscriber).select_related(
        "comment__article", "comment__page"
    )


def claim(key: str, **fields) -> bool:
    """Claim the right to send the email named ``key``; False when it was claimed before."""
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key, **fields)
    except IntegrityError:
        return False
    return True
