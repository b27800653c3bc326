"""reCAPTCHA decisions, with Google faked at the HTTP boundary (django_recaptcha.client)."""

import http.client
import ssl
from urllib.error import URLError

import pytest

from comments.captcha import Outcome, verify_captcha
from comments.models import Comment, DiscussionSettings, HoldReason
from tests.comment_helpers import comment_data, own_view
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    return ArticleFactory()


def post(client, article, **overrides):
    return client.post(
        f"/comments/post/{article.pk}/",
        comment_data(article, **overrides),
        REMOTE_ADDR="198.51.100.7",
    )


def reason_codes(comment):
    return [reason.code for reason in comment.hold_reasons.all()]


def test_valid_token_is_approved_and_google_is_asked_properly(client, article, fake_google):
    response = post(client, article, captcha="good-token")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.APPROVED
    assert comment.captcha_score == 0.9
    assert reason_codes(comment) == []
    (asked,) = fake_google.requests
    assert asked["response"] == "good-token"
    assert asked["remoteip"] == "198.51.100.7"
    assert asked["secret"]


def test_low_score_is_held_with_reason_and_score(client, article, fake_google, settings):
    settings.RECAPTCHA_REQUIRED_SCORE = 0.5
    fake_google.answer["score"] = 0.2
    response = post(client, article)
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.PENDING
    assert comment.captcha_score == 0.2
    (reason,) = comment.hold_reasons.all()
    assert reason.code == HoldReason.Code.LOW_SCORE
    assert "0.2" in reason.detail and "0.5" in reason.detail
    assert "Your comment is awaiting moderation." in own_view(client, article.pk)


@pytest.mark.parametrize("codes", [["invalid-input-response"], ["timeout-or-duplicate"]])
def test_invalid_or_expired_token_is_refused_with_text_kept(client, article, fake_google, codes):
    fake_google.answer = {"success": False, "error-codes": codes}
    response = post(client, article, comment="My irreplaceable words.")
    assert response.status_code == 400
    html = response.content.decode()
    assert "please press “Post Comment” again" in html
    assert "My irreplaceable words." in html
    assert 'role="alert"' in html
    assert not Comment.objects.exists()


def test_wrong_action_is_refused(client, article, fake_google):
    fake_google.answer["action"] = "login"
    assert post(client, article).status_code == 400
    assert not Comment.objects.exists()


def test_missing_token_is_kept_as_spam_and_author_sees_notice(client, article, fake_google):
    """A raw POST: no token, no word from our script, no <noscript> marker."""
    response = post(client, article, captcha="")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.SPAM
    assert reason_codes(comment) == [HoldReason.Code.NO_CAPTCHA_TOKEN]
    assert str(comment.hold_reasons.get()) == "No captcha token"
    assert fake_google.requests == []  # nothing to ask Google about
    html = own_view(client, article.pk)
    assert f'id="comment-{comment.pk}"' in html
    # Told the truth: it is in the spam folder, not the moderation queue.
    assert "Your comment was caught by the spam filter and is not published." in html
    assert "awaiting moderation" not in html


def test_token_field_absent_from_post_counts_as_missing(client, article, fake_google):
    response = post(client, article, captcha=None)
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.SPAM


@pytest.mark.parametrize(
    "error",
    [
        URLError("[Errno -2] Name or service not known"),
        TimeoutError("timed out"),
        OSError("Network is unreachable"),
        ConnectionResetError("reset"),
        http.client.BadStatusLine("garbage instead of a status line"),
        http.client.RemoteDisconnected("Remote end closed connection without response"),
        ssl.SSLError("certificate verify failed"),
    ],
    ids=["unreachable", "timeout", "network-down", "reset", "bad-status", "closed", "tls"],
)
def test_google_unreachable_or_timing_out_holds_as_unverified(client, article, fake_google, error):
    fake_google.error = error
    response = post(client, article)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert reason_codes(comment) == [HoldReason.Code.CAPTCHA_UNVERIFIED]
    assert str(comment.hold_reasons.get()).startswith("Captcha unverified")


@pytest.mark.parametrize(
    "error",
    [
        http.client.IncompleteRead(b'{"success": tr', 20),
        ConnectionResetError("Connection reset by peer"),
        TimeoutError("The read operation timed out"),
    ],
    ids=["incomplete", "reset", "timeout"],
)
def test_answer_cut_off_while_reading_holds_as_unverified(client, article, fake_google, error):
    fake_google.read_error = error
    response = post(client, article, comment="Words that must survive a broken answer.")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == "Words that must survive a broken answer."
    assert comment.status == Comment.Status.PENDING
    assert reason_codes(comment) == [HoldReason.Code.CAPTCHA_UNVERIFIED]


@pytest.mark.parametrize(
    "raw",
    [b"<html>502 Bad Gateway</html>", b"", b'{"score": 0.9}', b"[1, 2]", b"\xff\xfe"],
    ids=["html", "empty", "no-success-key", "not-an-object", "not-utf8"],
)
def test_malformed_answer_holds_as_unverified(client, article, fake_google, raw):
    fake_google.raw = raw
    response = post(client, article)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert reason_codes(comment) == [HoldReason.Code.CAPTCHA_UNVERIFIED]


def test_our_secret_refused_by_google_holds_rather_than_blaming_reader(fake_google):
    fake_google.answer = {"success": False, "error-codes": ["invalid-input-secret"]}
    result = verify_captcha("token", "192.0.2.1")
    assert result.outcome is Outcome.UNVERIFIED


def test_answer_without_score_is_unverified_in_v3(fake_google):
    fake_google.answer = {"success": True, "action": "comment"}
    assert verify_captcha("token", None).outcome is Outcome.UNVERIFIED


def test_v2_success_passes_without_score(fake_google, settings):
    settings.RECAPTCHA_VERSION = 2
    fake_google.answer = {"success": True, "hostname": "testserver"}
    assert verify_captcha("token", "192.0.2.1").outcome is Outcome.PASSED


def test_v2_form_reads_googles_response_field(client, article, fake_google, settings):
    settings.RECAPTCHA_VERSION = 2
    fake_google.answer = {"success": True}
    data = comment_data(article, captcha=None)
    data["g-recaptcha-response"] = "v2-token"
    response = client.post(f"/comments/post/{article.pk}/", data)
    assert response.status_code == 302
    assert fake_google.requests[0]["response"] == "v2-token"
    assert Comment.objects.get().status == Comment.Status.APPROVED


def test_score_exactly_at_threshold_passes(fake_google, settings):
    settings.RECAPTCHA_REQUIRED_SCORE = 0.5
    fake_google.answer["score"] = 0.5
    assert verify_captcha("token", None).outcome is Outcome.PASSED
