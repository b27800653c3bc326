"""
maintenance: the daily jobs the apps register, run by `manage.py run_daily_jobs`
(cron): each logged, one failing does not stop the others, the exit status
says whether any failed.
"""

import io
import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

from comments.models import Comment
from maintenance import daily_jobs, register_daily, registry
from maintenance.management.commands.run_daily_jobs import Command
from posts.models import Article
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(monkeypatch):
    """The registry as the apps filled it, restored after the test."""
    monkeypatch.setattr(registry, "_jobs", dict(registry._jobs))
    return registry._jobs


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("run_daily_jobs", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_apps_register_their_jobs():
    assert list(daily_jobs()) == ["empty_trash", "purge_commenter_ips"]
    out, _ = run("--list")
    assert out.split() == ["empty_trash", "purge_commenter_ips"]


def test_one_run_purges_old_ip_addresses_and_empties_the_trash(settings):
    settings.COMMENT_IP_RETENTION_DAYS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        kept = CommentFactory(ip_address="203.0.113.7", user_agent="Firefox")
        trashed = ArticleFactory()
        CommentFactory(article=trashed)
        trashed.move_to_trash()
    with time_machine.travel(start + timedelta(days=30, minutes=1), tick=False):
        out, err = run()
    assert err == ""
    assert "purge_commenter_ips: removed IP addresses and user agents from 1 comment " in out
    assert "empty_trash: deleted 1 article(s) with 1 comment(s) and 0 page(s)" in out
    kept.refresh_from_db()
    assert (kept.ip_address, kept.user_agent) == (None, "")
    assert not Article.objects.filter(pk=trashed.pk).exists()
    assert Comment.objects.count() == 1


def test_before_the_retention_nothing_is_purged(settings):
    settings.COMMENT_IP_RETENTION_DAYS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        comment = CommentFactory(ip_address="203.0.113.7")
        ArticleFactory().move_to_trash()
    with time_machine.travel(start + timedelta(days=29), tick=False):
        out, _ = run()
    assert "from 0 comments" in out
    assert "deleted 0 article(s)" in out
    comment.refresh_from_db()
    assert comment.ip_address == "203.0.113.7"
    assert Article.objects.trashed().count() == 1


def test_a_failing_job_is_logged_and_the_others_still_run(jobs, caplog):
    ran = []

    def broken():
        raise RuntimeError("the disk is full")

    register_daily("broken", broken)
    register_daily("after", lambda: ran.append("after") or "fine")
    with (
        caplog.at_level(logging.INFO, logger="maintenance"),
        pytest.raises(CommandError, match="1 of 4 daily jobs failed: broken"),
    ):
        run()
    assert ran == ["after"]
    failure = next(record for record in caplog.records if record.levelno == logging.ERROR)
    assert failure.getMessage() == "Daily job broken failed"
    assert failure.exc_info[1].args == ("the disk is full",)
    assert "Daily job after: fine" in caplog.messages


def test_the_exit_status_is_not_zero_when_a_job_failed(jobs, capsys, monkeypatch):
    """As cron runs it (run_from_argv; the system checks are another matter)."""
    # run_from_argv closes the connections when done: not the test's own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    register_daily("broken", lambda: 1 / 0)
    argv = ["manage.py", "run_daily_jobs", "--skip-checks", "--job"]
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv([*argv, "broken"])
    assert exit_.value.code == 1
    assert "FAILED broken: ZeroDivisionError: division by zero" in capsys.readouterr().err
    Command().run_from_argv([*argv, "purge_commenter_ips"])  # no SystemExit: status 0
    assert "purge_commenter_ips: removed" in capsys.readouterr().out


def test_one_job_can_be_run_alone_and_an_unknown_one_is_refused(jobs):
    ran = []
    register_daily("first", lambda: ran.append("first"))
    register_daily("second", lambda: ran.append("second"))
    out, _ = run("--job", "second")
    assert ran == ["second"]
    assert out.startswith("second: done")
    with pytest.raises(CommandError, match="No daily job called nope"):
        run("--job", "nope")


def test_registering_a_name_again_replaces_the_job(jobs):
    register_daily("twice", lambda: "old")
    register_daily("twice", lambda: "new")
    assert daily_jobs()["twice"]() == "new"
    assert list(daily_jobs()).count("twice") == 1


def test_purge_commenter_ips_still_runs_alone(settings):
    settings.COMMENT_IP_RETENTION_DAYS = 7
    CommentFactory(ip_address="203.0.113.1", submitted=timezone.now() - timedelta(days=8))
    out = io.StringIO()
    call_command("purge_commenter_ips", stdout=out)
    assert "from 1 comment older than 7 days." in out.getvalue()
