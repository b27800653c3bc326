"""
Reply notifications end to end through the task queue (the immediate backend):
the form's box, double opt-in, reply and approval emails, one-click
unsubscribe, "stop all", and what the links and emails never show.
"""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from comments import subscriptions
from comments.models import Comment, DiscussionSettings, SentEmail, Subscriber, Subscription
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

Policy = DiscussionSettings.ApprovalPolicy
READER = "Jane.Reader@Example.org"
OTHER = "other.reader@example.net"
URL_RE = re.compile(r"https://strategist\.example(/\S+?/)(?=[\s\"<]|$)")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://strategist.example"


@pytest.fixture
def discussion():
    discussion = DiscussionSettings.load()
    discussion.approval_policy = Policy.APPROVE
    discussion.save()
    return discussion


@pytest.fixture
def article(fake_google):
    return ArticleFactory(title="Winning back the exurbs")


@pytest.fixture
def post(client, article, discussion, django_capture_on_commit_callbacks):
    """Post a comment (its on-commit tasks run); returns the stored comment."""

    def run(status=None, ip="192.0.2.44", **overrides):
        if status is not None:
            discussion.approval_policy = (
                Policy.HOLD_ALL if status == Comment.Status.PENDING else Policy.APPROVE
            )
            discussion.save()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/comments/post/{article.pk}/",
                comment_data(article, **overrides),
                REMOTE_ADDR=ip,
            )
        assert response.status_code == 302, response.content.decode()[:500]
        return Comment.objects.latest("id")

    return run


def links(message) -> list[str]:
    return URL_RE.findall(message.body)


def link(message, word) -> str:
    (found,) = [url for url in links(message) if word in url]
    return found


def confirm(message):
    """Follow the confirmation email's link and press its button."""
    url = link(message, "/confirm/")
    browser = Client()
    assert browser.get(url).status_code == 200
    response = browser.post(url)
    assert response.status_code == 200
    return response


@pytest.fixture
def subscribed(post, django_capture_on_commit_callbacks):
    """A confirmed subscriber's approved comment, mail.outbox emptied."""
    comment = post(email=READER, notify="on")
    (message,) = mail.outbox
    confirm(message)
    mail.outbox.clear()
    return comment


def approve(comment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.filter(pk=comment.pk).approve()


class TestTheBox:
    def test_box_is_unticked_with_its_wording_beside_it(self, client, article, discussion):
        html = client.get(article.get_absolute_url()).content.decode()
        box = re.search(r'<input[^>]*name="notify"[^>]*>', html).group(0)
        assert 'type="checkbox"' in box
        assert "checked" not in box
        assert 'aria-describedby="id_notify_note"' in box
        assert '<label for="id_notify">Notify me of follow-up replies by email</label>' in html
        assert 'id="id_notify_note"' in html

    def test_unticked_subscribes_nothing_and_sends_nothing(self, post):
        post(email=READER)
        assert Subscription.objects.count() == 0
        assert mail.outbox == []

    def test_error_keeps_the_text_and_the_tick(self, client, article, discussion):
        response = client.post(
            f"/comments/post/{article.pk}/",
            comment_data(article, email="not an address", notify="on", comment="Keep me."),
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Keep me." in html
        assert re.search(r'<input[^>]*name="notify"[^>]*checked', html)
        assert Subscription.objects.count() == 0


class TestDoubleOptIn:
    def test_first_request_gets_only_a_confirmation(self, post):
        comment = post(email=READER, notify="on")
        (message,) = mail.outbox
        assert message.to == [READER.lower()]
        assert "Confirm" in message.subject
        assert link(message, "/comments/confirm/")
        subscriber = Subscriber.objects.get()
        assert subscriber.email == READER.lower()  # stored normalised
        assert subscriber.confirmed_at is None
        assert Subscription.objects.get().comment == comment

    def test_nothing_is_sent_before_confirmation(
        self, post, article, django_capture_on_commit_callbacks
    ):
        comment = post(email=READER, notify="on")
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            CommentFactory(article=article, parent=comment, author_email=OTHER)
        assert mail.outbox == []

    def test_confirmation_link_needs_a_press_and_then_replies_are_emailed(
        self, post, article, django_capture_on_commit_callbacks
    ):
        comment = post(email=READER, notify="on")
        (message,) = mail.outbox
        url = link(message, "/confirm/")
        page = Client().get(url)
        assert "Confirm: email me replies" in page.content.decode()
        assert (
            Subscriber.objects.get().confirmed_at is None
        )  # a mail scanner's GET confirms nothing
        response = confirm(message)
        assert "Reply notifications are on" in response.content.decode()
        assert Subscriber.objects.get().confirmed_at is not None
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            reply = CommentFactory(article=article, parent=comment, author_email=OTHER)
        (notification,) = mail.outbox
        assert notification.to == [READER.lower()]
        assert str(reply.pk) in link(notification, "/comment/")

    def test_second_request_in_a_day_sends_no_second_confirmation(self, post):
        post(email=READER, notify="on")
        post(email=READER, notify="on", comment="Another thought.", ip="192.0.2.45")
        assert len(mail.outbox) == 1
        assert Subscription.objects.count() == 2

    def test_confirmed_address_subscribes_without_another_email(self, subscribed, post):
        post(email=READER, notify="on", comment="More.", ip="192.0.2.46")
        assert mail.outbox == []
        assert Subscription.objects.count() == 2

    def test_expired_confirmation_link_says_so(self, post):
        post(email=READER, notify="on")
        url = link(mail.outbox[0], "/confirm/")
        with time_machine.travel(timezone.now() + timedelta(days=8)):
            response = Client().post(url)
        assert response.status_code == 400
        assert "expired" in response.content.decode()
        assert Subscriber.objects.get().confirmed_at is None

    def test_forged_confirmation_link_is_refused(self, post):
        post(email=READER, notify="on")
        subscriber = Subscriber.objects.get()
        forged = signing.dumps({"s": subscriber.pk}, salt="not-the-salt")
        other_purpose = subscriptions.stop_all_token(subscriber)
        altered = link(mail.outbox[0], "/confirm/")[:-3] + "x/"
        for url in (
            f"/comments/confirm/{forged}/",
            f"/comments/confirm/{other_purpose}/",
            altered,
        ):
            response = Client().post(url)
            assert response.status_code == 400, url
            assert "not one the site sent" in response.content.decode()
        assert Subscriber.objects.get().confirmed_at is None


class TestReplyEmail:
    def test_reply_email_has_text_html_link_and_one_click_headers(
        self, subscribed, article, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            reply = CommentFactory(
                article=article,
                parent=subscribed,
                author_name="Sam <b>Bold</b>",
                author_email=OTHER,
                body="See https://example.com/poll and <script>alert(1)</script>",
            )
        (message,) = mail.outbox
        assert message.to == [READER.lower()]
        assert "Sam <b>Bold</b> replied" in message.subject
        assert "See https://example.com/poll" in message.body
        assert "<script" not in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert "Sam &lt;b&gt;Bold&lt;/b&gt;" in html
        assert '<a href="https://example.com/poll" rel="nofollow ugc noopener">' in html
        assert "<script" not in html
        assert f"https://strategist.example/comment/{reply.pk}/" in message.body
        unsubscribe = link(message, "/unsubscribe/")
        assert (
            message.extra_headers["List-Unsubscribe"]
            == f"<https://strategist.example{unsubscribe}>"
        )
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link(message, "/stop-all/")

    def test_no_email_shows_another_readers_address(
        self, subscribed, article, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            CommentFactory(article=article, parent=subscribed, author_email=OTHER)
        (message,) = mail.outbox
        text = message.message().as_string()
        assert OTHER not in text
        assert message.cc == [] and message.bcc == []

    def test_links_carry_no_address(self, subscribed, article, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            CommentFactory(article=article, parent=subscribed, author_email=OTHER)
        address = READER.lower().encode()
        hashes = [hashlib.new(name, address).hexdigest() for name in ("md5", "sha1", "sha256")]
        urls = links(mail.outbox[0])
        assert len(urls) == 3
        for url in urls:
            assert "jane" not in url.lower()
        for url in [url for url in urls if "/comments/" in url]:
            token = url.rstrip("/").rsplit("/", 1)[1]
            payload = signing.b64_decode(token.split(":")[0].encode())
            assert re.fullmatch(rb'\{"[ns]":\d+\}', payload), payload
            assert "jane" not in url.lower()
            assert not any(digest in url for digest in hashes)

    def test_own_reply_is_not_emailed(
        self, subscribed, article, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            CommentFactory(article=article, parent=subscribed, author_email=READER.upper())
        assert mail.outbox == []

    def test_held_reply_is_emailed_when_approved_and_only_once(
        self, subscribed, article, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            reply = CommentFactory(
                article=article,
                parent=subscribed,
                author_email=OTHER,
                status=Comment.Status.PENDING,
            )
        assert mail.outbox == []
        approve(reply, django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 1
        with django_capture_on_commit_callbacks(execute=True):
            Comment.objects.filter(pk=reply.pk).unapprove()
        approve(reply, django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 1  # never sent twice
        assert SentEmail.objects.get(kind=SentEmail.Kind.REPLY).sent_at is not None

    def test_spam_reply_is_never_emailed(
        self, subscribed, article, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            CommentFactory(
                article=article, parent=subscribed, author_email=OTHER, status=Comment.Status.SPAM
            )
        assert mail.outbox == []


class TestApprovedEmail:
    def test_held_comment_author_who_opted_in_is_told_of_approval(
        self, post, django_capture_on_commit_callbacks
    ):
        comment = post(status=Comment.Status.PENDING, email=READER, notify="on")
        confirm(mail.outbox[0])
        mail.outbox.clear()
        approve(comment, django_capture_on_commit_callbacks)
        (message,) = mail.outbox
        assert message.to == [READER.lower()]
        assert "is published" in message.subject
        assert f"https://strategist.example/comment/{comment.pk}/" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_not_opted_in_is_not_told(self, post, django_capture_on_commit_callbacks):
        comment = post(status=Comment.Status.PENDING, email=READER)
        approve(comment, django_capture_on_commit_callbacks)
        assert mail.outbox == []

    def test_unconfirmed_is_not_told(self, post, django_capture_on_commit_callbacks):
        comment = post(status=Comment.Status.PENDING, email=READER, notify="on")
        mail.outbox.clear()
        approve(comment, django_capture_on_commit_callbacks)
        assert mail.outbox == []

    def test_comment_approved_at_once_gets_no_approval_email(self, subscribed, post):
        post(email=READER, notify="on", comment="Approved at once.", ip="192.0.2.47")
        assert mail.outbox == []


class TestUnsubscribe:
    @pytest.fixture
    def notification(self, subscribed, article, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            CommentFactory(article=article, parent=subscribed, author_email=OTHER)
        (message,) = mail.outbox
        mail.outbox.clear()
        return message

    def test_get_shows_a_button_and_changes_nothing(self, notification):
        response = Client().get(link(notification, "/unsubscribe/"))
        assert response.status_code == 200
        assert ">Unsubscribe</button>" in response.content.decode()
        assert Subscription.objects.count() == 1

    def test_one_click_post_without_login_or_csrf_token(
        self, notification, subscribed, article, django_capture_on_commit_callbacks
    ):
        mail_client = Client(enforce_csrf_checks=True)
        response = mail_client.post(
            link(notification, "/unsubscribe/"),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
        assert Subscription.objects.count() == 0
        with django_capture_on_commit_callbacks(execute=True):
            CommentFactory(article=article, parent=subscribed, author_email=OTHER)
        assert mail.outbox == []
        # The same link again: still a calm answer.
        assert mail_client.post(link(notification, "/unsubscribe/")).status_code == 200

    def test_forged_unsubscribe_token_changes_nothing(self, notification):
        subscription = Subscription.objects.get()
        forged = signing.dumps({"n": subscription.pk}, salt="comments.subscriptions.confirm")
        response = Client(enforce_csrf_checks=True).post(f"/comments/unsubscribe/{forged}/")
        assert response.status_code == 400
        assert Subscription.objects.count() == 1

    def test_stop_all_ends_every_subscription_and_every_email(
        self, notification, post, article, django_capture_on_commit_callbacks
    ):
        second = post(email=READER, notify="on", comment="Second.", ip="192.0.2.48")
        assert Subscription.objects.count() == 2
        url = link(notification, "/stop-all/")
        assert ">Stop all emails</button>" in Client().get(url).content.decode()
        response = Client(enforce_csrf_checks=True).post(url)
        assert "No more emails" in response.content.decode()
        assert Subscription.objects.count() == 0
        assert Subscriber.objects.get().stopped_at is not None
        with django_capture_on_commit_callbacks(execute=True):
            CommentFactory(article=article, parent=second, author_email=OTHER)
        assert mail.outbox == []

    def test_ticking_again_after_stop_all_needs_a_new_confirmation(self, notification, post):
        Client().post(link(notification, "/stop-all/"))
        post(email=READER, notify="on", comment="Back again.", ip="192.0.2.49")
        (message,) = mail.outbox
        assert "Confirm" in message.subject
        assert Subscriber.objects.get().confirmed_at is None
