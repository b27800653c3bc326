"""
Email off the request path: the database task backend and its worker
(django-tasks-db's ``db_worker``), retries with backoff, never twice, a real SMTP
server, and a hanging one that does not hold the reader's post.
"""

import email
import logging
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from email import policy
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from comments import tasks
from comments.models import Comment, DiscussionSettings, SentEmail, Subscriber, Subscription
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory

BASE_DIR = Path(__file__).resolve().parents[2]
READER = "jane.reader@example.org"
Policy = DiscussionSettings.ApprovalPolicy


class FlakyBackend(locmem.EmailBackend):
    """Django's test outbox behind a mail server that fails ``failures`` times first."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


@pytest.fixture
def database_tasks(settings):
    """Production's setting: tasks are rows for the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "https://strategist.example"


@pytest.fixture
def article(fake_google):
    return ArticleFactory(title="Winning back the exurbs")


def hold_everything(moderators="ed@example.org"):
    discussion = DiscussionSettings.load()
    discussion.approval_policy = Policy.HOLD_ALL
    discussion.moderator_emails = moderators
    discussion.save()


def post(client, article, ip="192.0.2.44", **overrides):
    started = time.monotonic()
    response = client.post(
        f"/comments/post/{article.pk}/", comment_data(article, **overrides), REMOTE_ADDR=ip
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Comment.objects.latest("id"), time.monotonic() - started


def run_worker():
    """The library's worker, in this process: every task due now, then it stops."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def ready():
    return DBTaskResult.objects.ready()


def statuses():
    return sorted(DBTaskResult.objects.values_list("status", flat=True))


@pytest.mark.django_db(transaction=True)
class TestDatabaseWorker:
    def test_the_post_only_enqueues_and_the_worker_sends(self, client, article, database_tasks):
        hold_everything()
        comment, _ = post(client, article, email=READER, notify="on")
        assert comment.status == Comment.Status.PENDING
        assert mail.outbox == []  # nothing sent inside the reader's request
        assert ready().count() == 2  # the moderators' email and the confirmation
        run_worker()
        assert sorted(message.to[0] for message in mail.outbox) == ["ed@example.org", READER]
        assert statuses() == ["SUCCESSFUL", "SUCCESSFUL"]
        assert SentEmail.objects.filter(sent_at__isnull=False).count() == 2

    def test_approval_fans_out_one_task_per_email(self, article, database_tasks):
        subscriber = Subscriber.objects.create(email=READER, confirmed_at=timezone.now())
        top = CommentFactory(article=article, author_email=READER)
        subscription = Subscription.objects.create(subscriber=subscriber, comment=top)
        reply = CommentFactory(
            article=article, parent=top, status=Comment.Status.PENDING, author_email="x@y.example"
        )
        Comment.objects.filter(pk=reply.pk).approve()
        run_worker()
        (message,) = mail.outbox
        assert message.to == [READER]
        assert f"/comment/{reply.pk}/" in message.body
        assert SentEmail.objects.get().key == f"reply:{subscription.pk}:{reply.pk}"

    def test_a_failed_send_is_retried_with_backoff_and_logged(
        self, article, database_tasks, settings, caplog
    ):
        settings.EMAIL_BACKEND = "tests.comments.test_tasks.FlakyBackend"
        FlakyBackend.failures = 1
        hold_everything()
        comment = CommentFactory(article=article, status=Comment.Status.PENDING)
        tasks.email_moderators.enqueue(comment.pk)
        with caplog.at_level(logging.WARNING, logger="comments.tasks"):
            run_worker()
        assert mail.outbox == []
        assert f"Email moderators:{comment.pk} failed on attempt 1 of 5; retrying" in caplog.text
        (retry,) = DBTaskResult.objects.filter(status="READY")
        assert retry.args_kwargs["kwargs"] == {"attempt": 2}
        wait = retry.run_after - timezone.now()
        assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
        run_worker()  # not due yet
        assert mail.outbox == []
        with time_machine.travel(timezone.now() + timedelta(minutes=2)):
            run_worker()
        (message,) = mail.outbox
        assert message.to == ["ed@example.org"]
        assert SentEmail.objects.get().sent_at is not None
        assert ready().count() == 0

    def test_the_wait_grows_between_attempts(self):
        waits = [tasks.retry_delay(attempt) for attempt in range(1, 7)]
        assert waits == sorted(waits)
        assert waits[0] == timedelta(minutes=1) and waits[-1] == timedelta(hours=2)

    def test_gives_up_after_the_last_attempt(self, article, database_tasks, settings, caplog):
        settings.EMAIL_BACKEND = "tests.comments.test_tasks.FlakyBackend"
        settings.EMAIL_TASK_ATTEMPTS = 2
        FlakyBackend.failures = 10
        hold_everything()
        comment = CommentFactory(article=article, status=Comment.Status.PENDING)
        tasks.email_moderators.enqueue(comment.pk)
        run_worker()
        with (
            time_machine.travel(timezone.now() + timedelta(minutes=2)),
            caplog.at_level(logging.ERROR, logger="comments.tasks"),
        ):
            run_worker()
        assert "failed on attempt 2 of 2; giving up" in caplog.text
        assert ready().count() == 0
        assert mail.outbox == []
        assert not SentEmail.objects.exists()  # the claim was given back
        FlakyBackend.failures = 0

    def test_the_same_email_is_never_sent_twice(self, article, database_tasks):
        subscriber = Subscriber.objects.create(email=READER, confirmed_at=timezone.now())
        top = CommentFactory(article=article, author_email=READER)
        subscription = Subscription.objects.create(subscriber=subscriber, comment=top)
        reply = CommentFactory(article=article, parent=top, author_email="x@y.example")
        for _ in range(3):  # a duplicate task, a retry after success, a second approval...
            tasks.email_reply.enqueue(subscription.pk, reply.pk)
        tasks.comments_published.enqueue([reply.pk], False)
        run_worker()
        assert len(mail.outbox) == 1
        assert SentEmail.objects.count() == 1

    def test_a_hanging_mail_server_does_not_hold_the_readers_post(
        self, client, article, database_tasks, settings
    ):
        hung = socket.socket()
        hung.bind(("127.0.0.1", 0))
        hung.listen(4)  # accepts the connection, never says hello
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = hung.getsockname()
        settings.EMAIL_TIMEOUT = 1
        hold_everything()
        try:
            comment, took = post(client, article)
            assert took < settings.EMAIL_TIMEOUT  # the post never touched the mail server
            assert comment.status == Comment.Status.PENDING
            run_worker()  # the worker waits for it instead, then schedules a retry
        finally:
            hung.close()
        (retry,) = DBTaskResult.objects.filter(status="READY")
        assert retry.args_kwargs["kwargs"] == {"attempt": 2}


@pytest.mark.django_db(transaction=True)
def test_worker_process_sends_what_the_web_process_enqueued(
    client, article, database_tasks, smtp_server
):
    """`manage.py db_worker` as production runs it: another process, the same database."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "a second process cannot open the SQLite test database (it is in memory); "
            "the in-process worker tests above run the same worker on SQLite"
        )
    hold_everything()
    comment, _ = post(client, article, email=READER, notify="on")
    assert ready().count() == 2
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": django_settings.EMAIL_HOST,
        "EMAIL_PORT": str(django_settings.EMAIL_PORT),
        "SITE_URL": "https://strategist.example",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DEBUG": "1",
    }
    env.pop("STRATEGIST_TEST_NOW", None)
    result = subprocess.run(  # noqa: S603
        # The system checks are tested elsewhere; this is the worker's behaviour.
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--skip-checks",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert statuses() == ["SUCCESSFUL", "SUCCESSFUL"], result.stdout + result.stderr
    assert sorted(envelope.rcpt_tos[0] for envelope in smtp_server.envelopes) == [
        "ed@example.org",
        READER,
    ]
    assert any(b"/comments/confirm/" in envelope.content for envelope in smtp_server.envelopes)
    assert SentEmail.objects.filter(sent_at__isnull=False).count() == 2
    assert comment.pk


class Inbox:
    """An aiosmtpd handler keeping what it received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.mark.django_db
def test_a_reply_notification_through_a_real_smtp_server(
    smtp_server, client, article, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://strategist.example"
    subscriber = Subscriber.objects.create(email=READER, confirmed_at=timezone.now())
    top = CommentFactory(article=article, author_email=READER)
    Subscription.objects.create(subscriber=subscriber, comment=top)
    with django_capture_on_commit_callbacks(execute=True):
        reply = CommentFactory(
            article=article,
            parent=top,
            author_name="Sam",
            author_email="sam@elsewhere.example",
            body="Look at *this* turnout.",
        )
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == [READER]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["To"] == READER
    assert (
        str(message["List-Unsubscribe"])
        .strip()
        .startswith("<https://strategist.example/comments/unsubscribe/")
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Look at *this* turnout." in text
    assert "Look at *this* turnout." in html
    assert f"https://strategist.example/comment/{reply.pk}/" in text
    assert "sam@elsewhere.example" not in envelope.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_queue_that_cannot_take_the_task_does_not_fail_the_saved_post(
    client, article, monkeypatch, caplog
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("task queue unreachable")

    monkeypatch.setattr(tasks, "email_moderators", SimpleNamespace(enqueue=unreachable))
    hold_everything()
    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"):
        comment, _ = post(client, article)
    assert comment.status == Comment.Status.PENDING
    assert "task queue unreachable" in caplog.text
