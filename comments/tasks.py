"""
Every email of the comments app, as background tasks (django-tasks: Django
6's ``django.tasks`` backported; settings.TASKS picks the backend).

- Development and tests: the immediate backend runs a task in the process
  that enqueues it, when the transaction that wanted it commits.
- Production (``TASKS_BACKEND=database``): tasks are rows that ``manage.py
  db_worker`` processes pick up, on any number of machines.

Never twice: each email has a key (``reply:<subscription>:<comment>``...) that
the task claims in SentEmail (a unique column) before sending. A second task for
the same email, a retry after success, or two workers racing find the key taken
and send nothing. A send that fails releases its claim and is retried with
backoff (RETRY_DELAYS) up to settings.EMAIL_TASK_ATTEMPTS, each failure logged;
the immediate backend cannot defer a task, so there the failure is logged only.
Delivery is at most once: a worker killed between claiming and sending leaves a
claim without ``sent_at`` and that email is not sent.

Enqueue with ``enqueue_on_commit()``: the task sees the committed rows, and a
rolled-back change sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task

from comments import notifications, subscriptions
from comments.models import Comment, DiscussionSettings, SentEmail, Subscriber, Subscription

logger = logging.getLogger(__name__)

# Wait before attempt 2, 3, 4, 5...; the last value repeats.
RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
]


def enqueue_on_commit(email_task, *args, **kwargs) -> None:
    """
    Enqueue when the current transaction commits (at once outside one). Robust:
    a failure to enqueue is logged, never turned into an error page for a
    change that is already saved.
    """
    transaction.on_commit(lambda: email_task.enqueue(*args, **kwargs), robust=True)


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt ``attempt`` (1-based)."""
    return RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]


def _send(
    email_task,
    key: str,
    attempt: int,
    build: Callable[[], EmailMessage | None],
    args: tuple,
    **claim_fields,
) -> str:
    """
    Claim ``key``, build and send; on a failure release the claim and retry
    later. Returns what happened: "sent", "already sent", "nothing to send",
    "retrying" or "failed".
    """
    if not subscriptions.claim(key, **claim_fields):
        logger.info("Email %s was sent before; not sending it again", key)
        return "already sent"
    try:
        message = build()
        if message is None:
            SentEmail.objects.filter(key=key).delete()
            return "nothing to send"
        message.send()
    except Exception:
        SentEmail.objects.filter(key=key).delete()
        return _failed(email_task, key, attempt, args)
    SentEmail.objects.filter(key=key).update(sent_at=timezone.now())
    return "sent"


def _failed(email_task, key: str, attempt: int, args: tuple) -> str:
    attempts = settings.EMAIL_TASK_ATTEMPTS
    if attempt >= attempts:
        logger.exception("Email %s failed on attempt %s of %s; giving up", key, attempt, attempts)
        return "failed"
    if not email_task.get_backend().supports_defer:
        logger.exception(
            "Email %s failed (attempt %s); this task backend cannot retry later", key, attempt
        )
        return "failed"
    delay = retry_delay(attempt)
    logger.warning(
        "Email %s failed on attempt %s of %s; retrying in %s",
        key,
        attempt,
        attempts,
        delay,
        exc_info=True,
    )
    email_task.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1)
    return "retrying"


# The emails --------------------------------------------------------------------


@task()
def email_moderators(comment_id: int, attempt: int = 1) -> str:
    """The Discussion settings' moderator addresses, about a held comment."""

    def build():
        comment = Comment.objects.select_related("article", "page").filter(pk=comment_id).first()
        recipients = DiscussionSettings.load().moderator_email_list()
        if comment is None or comment.status != Comment.Status.PENDING or not recipients:
            return None
        return notifications.moderators_message(comment, recipients)

    return _send(
        email_moderators,
        f"moderators:{comment_id}",
        attempt,
        build,
        (comment_id,),
        kind=SentEmail.Kind.MODERATORS,
        comment_id=comment_id,
    )


@task()
def email_confirmation(subscriber_id: int, nonce: str, attempt: int = 1) -> str:
    """The double opt-in email; ``nonce`` names this request (one a day may be sent)."""

    def build():
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
        if subscriber is None or subscriber.confirmed_at or subscriber.stopped_at:
            return None
        return notifications.confirmation_message(subscriber)

    if not Subscriber.objects.filter(pk=subscriber_id).exists():
        return "nothing to send"
    return _send(
        email_confirmation,
        f"confirm:{subscriber_id}:{nonce}",
        attempt,
        build,
        (subscriber_id, nonce),
        kind=SentEmail.Kind.CONFIRMATION,
        subscriber_id=subscriber_id,
    )


@task()
def email_reply(subscription_id: int, reply_id: int, attempt: int = 1) -> str:
    """One subscriber, one approved reply to their comment."""
    subscription = (
        subscriptions.emailable(Subscription.objects.filter(pk=subscription_id))
        .select_related("subscriber", "comment")
        .first()
    )
    reply = Comment.objects.select_related("article", "page").filter(pk=reply_id).first()
    if subscription is None or reply is None or not reply.is_approved():
        return "nothing to send"
    return _send(
        email_reply,
        f"reply:{subscription_id}:{reply_id}",
        attempt,
        lambda: notifications.reply_message(subscription, reply),
        (subscription_id, reply_id),
        kind=SentEmail.Kind.REPLY,
        subscriber_id=subscription.subscriber_id,
        comment_id=reply_id,
    )


@task()
def email_approved(subscription_id: int, attempt: int = 1) -> str:
    """The subscriber's held comment was approved."""
    subscription = (
        subscriptions.emailable(Subscription.objects.filter(pk=subscription_id))
        .select_related("subscriber", "comment__article", "comment__page")
        .first()
    )
    if subscription is None or not subscription.comment.is_approved():
        return "nothing to send"
    return _send(
        email_approved,
        f"approved:{subscription.comment_id}",
        attempt,
        lambda: notifications.approved_message(subscription),
        (subscription_id,),
        kind=SentEmail.Kind.APPROVED,
        subscriber_id=subscription.subscriber_id,
        comment_id=subscription.comment_id,
    )


@task()
def comments_published(comment_ids: list[int], was_held: bool) -> int:
    """
    Comments became visible: one task per email to send (each retried on
    its own): replies to their subscribers and, for comments a moderator
    approved (``was_held``), the approval to their subscribed authors.
    Returns how many emails were enqueued.
    """
    count = 0
    comments = Comment.objects.approved().filter(pk__in=comment_ids)
    for comment in comments.only("pk", "parent_id", "author_email", "status"):
        for subscription in subscriptions.reply_recipients(comment):
            email_reply.enqueue(subscription.pk, comment.pk)
            count += 1
        if was_held:
            subscription = subscriptions.approval_recipient(comment)
            if subscription is not None:
                email_approved.enqueue(subscription.pk)
                count += 1
    return count


# What the app calls ----------------------------------------------------------------


def comment_held(comment: Comment) -> None:
    enqueue_on_commit(email_moderators, comment.pk)


def comments_approved(comment_ids: Iterable[int], *, was_held: bool) -> None:
    ids = sorted(set(comment_ids))
    if ids:
        enqueue_on_commit(comments_published, ids, was_held)


def confirmation_due(subscriber: Subscriber) -> None:
    enqueue_on_commit(email_confirmation, subscriber.pk, get_random_string(12))
