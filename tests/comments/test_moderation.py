"""The moderation rules (Discussion settings), their recorded reasons, and moderator email."""

import socket
import time

import pytest
from django.core import mail

from comments.models import Comment, DiscussionSettings, HoldReason
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db
Policy = DiscussionSettings.ApprovalPolicy
Code = HoldReason.Code


@pytest.fixture
def discussion():
    discussion = DiscussionSettings.load()
    discussion.approval_policy = Policy.APPROVE
    discussion.save()
    return discussion


@pytest.fixture
def article(fake_google):
    return ArticleFactory(title="Winning back the exurbs")


def post(client, article, ip="192.0.2.44", **overrides):
    response = client.post(
        f"/comments/post/{article.pk}/",
        comment_data(article, **overrides),
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Mozilla/5.0 SpamBot/1.0",
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Comment.objects.latest("id")


def reasons(comment):
    return [(reason.code, reason.detail) for reason in comment.hold_reasons.all()]


class TestApprovalPolicy:
    def test_hold_every_comment(self, client, article, discussion):
        discussion.approval_policy = Policy.HOLD_ALL
        discussion.save()
        comment = post(client, article)
        assert comment.status == Comment.Status.PENDING
        assert reasons(comment) == [(Code.HOLD_ALL, "")]

    def test_known_author_is_approved_automatically(self, client, article, discussion):
        discussion.approval_policy = Policy.KNOWN_AUTHORS
        discussion.save()
        CommentFactory(author_name="Jane Reader", author_email="jane.reader@example.org")
        comment = post(client, article)
        assert comment.status == Comment.Status.APPROVED
        assert reasons(comment) == []

    def test_unknown_author_is_held_as_first_comment(self, client, article, discussion):
        discussion.approval_policy = Policy.KNOWN_AUTHORS
        discussion.save()
        # Same email with another name, or a pending comment, does not count.
        CommentFactory(author_name="Somebody Else", author_email="jane.reader@example.org")
        CommentFactory(
            author_name="Jane Reader",
            author_email="jane.reader@example.org",
            status=Comment.Status.PENDING,
        )
        comment = post(client, article)
        assert comment.status == Comment.Status.PENDING
        assert reasons(comment) == [(Code.FIRST_COMMENT, "")]

    def test_default_policy_is_known_authors(self):
        assert DiscussionSettings.load().approval_policy == Policy.KNOWN_AUTHORS

    def test_approve_policy_approves_clean_comment(self, client, article, discussion):
        assert post(client, article).status == Comment.Status.APPROVED


class TestLinks:
    def test_more_than_max_links_is_held(self, client, article, discussion):
        text = "See https://a.example, https://b.example and <a href='https://c.example'>c</a>."
        comment = post(client, article, comment=text)
        assert comment.status == Comment.Status.PENDING
        assert reasons(comment) == [(Code.TOO_MANY_LINKS, "3 links, more than 2")]

    def test_max_links_allowed(self, client, article, discussion):
        comment = post(client, article, comment="See https://a.example and https://b.example.")
        assert comment.status == Comment.Status.APPROVED

    def test_limit_is_editable(self, client, article, discussion):
        discussion.max_links = 0
        discussion.save()
        comment = post(client, article, comment="One link: https://a.example")
        assert reasons(comment) == [(Code.TOO_MANY_LINKS, "1 links, more than 0")]


class TestWordLists:
    @pytest.mark.parametrize(
        ("word", "overrides", "place"),
        [
            ("casino", {"comment": "Visit my CASINO now"}, "text"),
            ("casino", {"author": "Casino King"}, "name"),
            ("casino", {"email": "casino@example.org"}, "email"),
            ("casino", {"url": "https://casino.example"}, "website"),
            ("192.0.2.44", {}, "IP address"),
            ("spambot", {}, "user agent"),
        ],
    )
    def test_hold_word_matched_everywhere(
        self, client, article, discussion, word, overrides, place
    ):
        discussion.hold_words = f"unrelated\n{word}\n"
        discussion.save()
        comment = post(client, article, **overrides)
        assert comment.status == Comment.Status.PENDING
        assert reasons(comment) == [(Code.HOLD_WORD, f"“{word}” in the {place}")]

    @pytest.mark.parametrize(
        ("word", "overrides", "place"),
        [
            ("viagra", {"comment": "cheap Viagra"}, "text"),
            ("viagra", {"author": "viagra seller"}, "name"),
            ("viagra", {"email": "viagra@example.org"}, "email"),
            ("viagra", {"url": "https://viagra.example"}, "website"),
            ("192.0.2.44", {}, "IP address"),
            ("SpamBot", {}, "user agent"),
        ],
    )
    def test_disallowed_word_goes_to_trash(
        self, client, article, discussion, word, overrides, place
    ):
        discussion.disallowed_words = word
        discussion.save()
        comment = post(client, article, **overrides)
        assert comment.status == Comment.Status.TRASH
        assert reasons(comment) == [(Code.DISALLOWED_WORD, f"“{word}” in the {place}")]

    def test_disallowed_wins_over_hold_and_all_reasons_recorded(self, client, article, discussion):
        discussion.hold_words = "turnout"
        discussion.disallowed_words = "suburbs"
        discussion.save()
        comment = post(client, article)  # "Turnout in the suburbs decided it."
        assert comment.status == Comment.Status.TRASH
        assert {code for code, _ in reasons(comment)} == {Code.HOLD_WORD, Code.DISALLOWED_WORD}

    def test_no_match_approves(self, client, article, discussion):
        discussion.hold_words = "casino"
        discussion.disallowed_words = "viagra"
        discussion.save()
        assert post(client, article).status == Comment.Status.APPROVED


class TestSeverity:
    def test_spam_signal_beats_hold(self, client, article, discussion):
        discussion.approval_policy = Policy.HOLD_ALL
        discussion.save()
        comment = post(client, article, honeypot="x")
        assert comment.status == Comment.Status.SPAM
        assert {code for code, _ in reasons(comment)} == {Code.HONEYPOT, Code.HOLD_ALL}


class TestModeratorEmail:
    @pytest.fixture
    def hold_and_mail(
        self, client, article, discussion, settings, django_capture_on_commit_callbacks
    ):
        """Post a comment that every moderator is emailed about: (comment, message)."""

        def run(text, moderators="ed@example.org\nmod@example.org"):
            settings.SITE_URL = "https://strategist.example"
            discussion.approval_policy = Policy.HOLD_ALL
            discussion.moderator_emails = moderators
            discussion.save()
            with django_capture_on_commit_callbacks(execute=True):
                comment = post(client, article, comment=text)
            (message,) = mail.outbox
            return comment, message

        return run

    def test_held_comment_emails_moderators_with_text_reasons_and_link(self, hold_and_mail):
        comment, message = hold_and_mail("Please hold me.")
        assert message.to == ["ed@example.org", "mod@example.org"]
        assert "Winning back the exurbs" in message.subject
        assert "Please hold me." in message.body
        assert "Every comment is held" in message.body
        assert f"https://strategist.example/admin/comments/comment/{comment.pk}/change/" in (
            message.body
        )

    def test_links_in_the_email_open_the_comment_and_the_queue_for_a_moderator(self, hold_and_mail):
        import re
        from urllib.parse import urlsplit

        from django.contrib.auth.models import Group
        from django.test import Client

        from tests.factories import UserFactory

        comment, message = hold_and_mail("Follow the link to me.", moderators="ed@example.org")
        links = re.findall(r"https://strategist\.example(/admin/\S+)", message.body)
        assert len(links) == 2
        moderator = UserFactory(username="mod", is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        browser = Client()
        # Not logged in: the link leads to the login page, then back to it.
        response = browser.get(links[0])
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == "/admin/login/"
        browser.force_login(moderator)
        change, queue = (browser.get(link) for link in links)
        assert change.status_code == 200
        assert "Follow the link to me." in change.content.decode()
        assert f'action="/admin/comments/comment/{comment.pk}/approve/"' in change.content.decode()
        assert queue.status_code == 200
        assert f'value="{comment.pk}"' in queue.content.decode()

    def test_approved_and_spam_comments_send_nothing(
        self, client, article, discussion, django_capture_on_commit_callbacks
    ):
        discussion.moderator_emails = "ed@example.org"
        discussion.save()
        with django_capture_on_commit_callbacks(execute=True):
            post(client, article)
            post(client, article, ip="192.0.2.45", captcha="", comment="No token")
        assert mail.outbox == []

    def test_no_addresses_no_email(
        self, client, article, discussion, django_capture_on_commit_callbacks
    ):
        discussion.approval_policy = Policy.HOLD_ALL
        discussion.save()
        with django_capture_on_commit_callbacks(execute=True):
            post(client, article)
        assert mail.outbox == []

    def test_broken_mail_server_does_not_lose_the_comment(
        self, client, article, discussion, settings, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = 9  # discard port: connection refused
        discussion.approval_policy = Policy.HOLD_ALL
        discussion.moderator_emails = "ed@example.org"
        discussion.save()
        with django_capture_on_commit_callbacks(execute=True):
            comment = post(client, article)
        assert comment.status == Comment.Status.PENDING

    def test_hung_mail_server_delays_the_post_by_at_most_the_timeout(
        self, client, article, discussion, settings, django_capture_on_commit_callbacks
    ):
        hung = socket.socket()
        hung.bind(("127.0.0.1", 0))
        hung.listen(4)  # accepts the connection, never says hello
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = hung.getsockname()
        settings.EMAIL_TIMEOUT = 1
        discussion.approval_policy = Policy.HOLD_ALL
        discussion.moderator_emails = "ed@example.org"
        discussion.save()
        started = time.monotonic()
        try:
            with django_capture_on_commit_callbacks(execute=True):
                comment = post(client, article)
        finally:
            hung.close()
        assert time.monotonic() - started < 10
        assert comment.status == Comment.Status.PENDING

    def test_invalid_moderator_address_rejected_by_admin_form(self, discussion):
        from django.core.exceptions import ValidationError

        discussion.moderator_emails = "ed@example.org\nnot an address"
        with pytest.raises(ValidationError):
            discussion.full_clean()
