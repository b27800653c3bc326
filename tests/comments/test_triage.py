"""
Comments without a captcha token: a reader whose browser could not reach Google,
a reader without JavaScript and a raw bot POST are told apart, and each reader
is told the truth. Also: the flood page's wait, the publication's badge and the
comments heading.
"""

import re
import time

import pytest
from django.core.cache import cache

from comments import spam
from comments.captcha import Browser, browser_report
from comments.models import Comment, DiscussionSettings, HoldReason
from posts.models import SiteSettings
from tests.comment_helpers import comment_data, own_view
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

Code = HoldReason.Code
Policy = DiscussionSettings.ApprovalPolicy
AWAITING = "Your comment is awaiting moderation."
MODERATORS = "ed@example.org\nmod@example.org"


@pytest.fixture
def discussion(fake_google):
    discussion = DiscussionSettings.load()
    discussion.approval_policy = Policy.APPROVE
    discussion.moderator_emails = MODERATORS
    discussion.save()
    return discussion


@pytest.fixture
def article(discussion):
    return ArticleFactory(title="Where the votes are")


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post the form with the given fields; moderator emails are sent as on a commit."""

    def run(article, ip="198.51.100.20", **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/comments/post/{article.pk}/",
                comment_data(article, **overrides),
                REMOTE_ADDR=ip,
            )

    return run


def codes(comment):
    return [reason.code for reason in comment.hold_reasons.all()]


def shown_to_author(client, article, comment):
    """The author's view of their own comment's list item (the personal request's answer)."""
    html = own_view(client, article.pk)
    match = re.search(rf'<li id="comment-{comment.pk}".*?</article>', html, re.DOTALL)
    assert match, "the author sees their comment"
    return match.group(0)


class TestRawPost:
    def test_no_token_and_no_signal_is_spam_and_nobody_is_emailed(
        self, client, send, article, fake_google, mailoutbox
    ):
        response = send(article, captcha="", comment="Buy cheap pills.")
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert codes(comment) == [Code.NO_CAPTCHA_TOKEN]
        assert mailoutbox == []
        assert fake_google.requests == []
        item = shown_to_author(client, article, comment)
        assert "Your comment was caught by the spam filter and is not published." in item
        assert "awaiting moderation" not in item

    @pytest.mark.parametrize("claim", ["token", "ready", "unavailable", "x" * 500])
    def test_a_browser_value_our_script_never_sends_without_a_token_is_spam(
        self, send, article, claim
    ):
        assert send(article, captcha="", browser=claim).status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert codes(comment) == [Code.NO_CAPTCHA_TOKEN]

    def test_noscript_marker_with_our_scripts_field_set_is_not_a_no_javascript_reader(
        self, send, article
    ):
        send(article, captcha="", browser="token", noscript="1")
        assert codes(Comment.objects.get()) == [Code.NO_CAPTCHA_TOKEN]


class TestGoogleUnavailableInTheBrowser:
    @pytest.mark.parametrize(
        ("signal", "detail"),
        [
            ("no-script", "Google's script did not load"),
            ("no-token", "Google's script gave no token in time"),
            ("error", "Google's script failed"),
        ],
    )
    def test_held_with_reason_moderators_emailed_reader_told_it_awaits_moderation(
        self, client, send, article, fake_google, mailoutbox, signal, detail
    ):
        response = send(article, captcha="", browser=signal, comment="Turnout decided it.")
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert codes(comment) == [Code.CAPTCHA_UNAVAILABLE]
        assert str(comment.hold_reasons.get()) == f"Captcha unavailable in the browser: {detail}"
        assert fake_google.requests == []  # no token: nothing to ask Google
        (message,) = mailoutbox
        assert message.to == ["ed@example.org", "mod@example.org"]
        assert "Turnout decided it." in message.body
        assert f"Captcha unavailable in the browser: {detail}" in message.body
        assert response["Location"].endswith(f"#comment-{comment.pk}")
        assert AWAITING in shown_to_author(client, article, comment)

    def test_returning_approved_commenter_is_held_not_spam(self, send, discussion, mailoutbox):
        discussion.approval_policy = Policy.KNOWN_AUTHORS
        discussion.save()
        article = ArticleFactory()
        CommentFactory(author_name="Jane Reader", author_email="jane.reader@example.org")
        send(article, captcha="", browser="no-script")
        comment = Comment.objects.get(article=article)
        assert comment.status == Comment.Status.PENDING
        assert codes(comment) == [Code.CAPTCHA_UNAVAILABLE]  # not a first comment
        assert len(mailoutbox) == 1

    def test_v2_checkbox_that_never_loaded_is_held(self, send, article, settings):
        settings.RECAPTCHA_VERSION = 2
        assert send(article, captcha=None, browser="no-script").status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert codes(comment) == [Code.CAPTCHA_UNAVAILABLE]

    def test_a_token_is_checked_with_google_whatever_the_browser_field_says(
        self, send, article, fake_google
    ):
        fake_google.answer = {"success": False, "error-codes": ["invalid-input-response"]}
        assert send(article, captcha="forged", browser="no-script").status_code == 400
        assert not Comment.objects.exists()


class TestTheUnavailableSignalEscapesNoOtherCheck:
    """A bot that learns to send browser=no-script is held at best, never approved."""

    def test_never_approved_even_when_every_comment_would_be(self, send, article):
        send(article, captcha="", browser="no-script")
        assert Comment.objects.get().status == Comment.Status.PENDING

    def test_honeypot_still_spam(self, send, article, mailoutbox):
        send(article, captcha="", browser="no-script", honeypot="http://spam.example")
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert set(codes(comment)) == {Code.HONEYPOT, Code.CAPTCHA_UNAVAILABLE}
        assert mailoutbox == []

    def test_too_fast_still_spam(self, send, article):
        send(article, captcha="", browser="no-script", timestamp=spam.sign_timestamp(article.pk))
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert Code.TOO_FAST in codes(comment)

    def test_missing_timestamp_still_spam(self, send, article):
        send(article, captcha="", browser="no-script", timestamp="")
        assert Comment.objects.get().status == Comment.Status.SPAM

    def test_disallowed_word_still_trash(self, send, article, discussion):
        discussion.disallowed_words = "casino"
        discussion.save()
        send(article, captcha="", browser="no-script", comment="Best casino bonus.")
        assert Comment.objects.get().status == Comment.Status.TRASH

    def test_links_still_counted(self, send, article):
        links = " ".join(f"https://spam{n}.example" for n in range(5))
        send(article, captcha="", browser="no-script", comment=links)
        assert Code.TOO_MANY_LINKS in codes(Comment.objects.get())

    def test_flood_limit_still_applies(self, send, article):
        assert send(article, captcha="", browser="no-script", comment="One.").status_code == 302
        assert send(article, captcha="", browser="no-script", comment="Two.").status_code == 429
        assert Comment.objects.count() == 1


class TestNoJavaScript:
    def test_held_with_reason_and_moderators_emailed(
        self, client, send, article, fake_google, mailoutbox
    ):
        response = send(article, captcha=None, noscript="1", comment="No script here.")
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert codes(comment) == [Code.NO_JAVASCRIPT]
        assert str(comment.hold_reasons.get()) == "No JavaScript"
        assert fake_google.requests == []
        (message,) = mailoutbox
        assert "No JavaScript" in message.body
        assert AWAITING in shown_to_author(client, article, comment)

    def test_v2_without_javascript_is_held_too(self, send, article, settings):
        settings.RECAPTCHA_VERSION = 2
        send(article, captcha=None, noscript="1")
        assert codes(Comment.objects.get()) == [Code.NO_JAVASCRIPT]

    def test_marker_without_a_timestamp_is_held_not_spam(self, send, article):
        """Without JavaScript no timestamp can be fetched (the page carries none): held."""
        send(article, captcha=None, noscript="1", timestamp=None)
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert codes(comment) == [Code.NO_JAVASCRIPT]

    def test_marker_with_a_tampered_timestamp_is_spam(self, send, article):
        send(article, captcha=None, noscript="1", timestamp="forged")
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert set(codes(comment)) == {Code.BAD_TIMESTAMP, Code.NO_JAVASCRIPT}

    def test_the_form_carries_the_marker_only_inside_noscript_and_an_empty_browser_field(
        self, client, article
    ):
        html = client.get(article.get_absolute_url()).content.decode()
        assert '<noscript><input type="hidden" name="noscript" value="1"></noscript>' in html
        assert html.count('name="noscript"') == 1
        assert '<input type="hidden" name="browser" value="" id="id_browser">' in html

    def test_error_page_renders_the_browser_field_empty_again(self, client, send, article):
        response = send(article, captcha="", browser="no-script", author="")
        assert response.status_code == 400
        html = response.content.decode()
        assert '<input type="hidden" name="browser" value="" id="id_browser">' in html


class TestV2Unticked:
    def test_error_beside_the_widget_text_kept_nothing_stored(
        self, send, article, settings, fake_google, mailoutbox
    ):
        settings.RECAPTCHA_VERSION = 2
        response = send(
            article, captcha=None, browser="unticked", comment="Words I will not retype."
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Words I will not retype." in html
        captcha = re.search(r'<div class="comment-form-captcha">.*?</div>\s*</div>', html, re.S)
        assert captcha, "the widget's wrapper"
        assert 'class="g-recaptcha"' in captcha.group(0)
        assert (
            '<p class="field-error" id="id_captcha_error" role="alert" tabindex="-1" autofocus>'
            "Please tick “I’m not a robot” and press “Post Comment” again.</p>"
        ) in captcha.group(0)
        assert 'aria-describedby="id_captcha_error"' in captcha.group(0)
        assert "comment-form-errors" not in html  # not up in the top box, beside the box
        assert not Comment.objects.exists()
        assert fake_google.requests == []
        assert mailoutbox == []

    def test_the_reader_can_then_tick_and_post(self, send, article, settings, fake_google):
        settings.RECAPTCHA_VERSION = 2
        fake_google.answer = {"success": True}
        assert send(article, captcha=None, browser="unticked").status_code == 400
        data = {"browser": "token", "g-recaptcha-response": "v2-token"}
        assert send(article, captcha=None, **data).status_code == 302
        assert Comment.objects.get().status == Comment.Status.APPROVED

    def test_unticked_claim_in_v3_is_not_a_form_error(self, send, article):
        assert send(article, captcha="", browser="unticked").status_code == 302
        assert Comment.objects.get().status == Comment.Status.SPAM


@pytest.mark.parametrize(
    ("browser", "noscript", "expected"),
    [
        ("token", "", Browser.TOKEN),
        ("unticked", "", Browser.UNTICKED),
        ("no-script", "", Browser.GOOGLE_UNAVAILABLE),
        ("no-token", "1", Browser.GOOGLE_UNAVAILABLE),
        ("", "1", Browser.NO_JAVASCRIPT),
        (None, "1", Browser.NO_JAVASCRIPT),
        ("", "", Browser.UNKNOWN),
        (None, None, Browser.UNKNOWN),
        ("", "yes", Browser.UNKNOWN),
        ("ready", "1", Browser.UNKNOWN),
    ],
)
def test_browser_report(browser, noscript, expected):
    assert browser_report(browser, noscript).browser is expected


class TestFloodWait:
    def test_429_says_how_long_to_wait_and_sends_retry_after(self, send, article, settings):
        settings.COMMENTS_FLOOD_SECONDS = 15
        assert send(article, comment="First.").status_code == 302
        response = send(article, comment="Second, too soon.")
        assert response.status_code == 429
        wait = int(response["Retry-After"])
        assert 1 <= wait <= 15
        html = response.content.decode()
        assert f"Please wait {wait} seconds and press “Post Comment” again" in html
        assert "Second, too soon." in html

    def test_the_wait_counts_down_from_the_first_comment(self, article, settings):
        settings.COMMENTS_FLOOD_SECONDS = 15
        assert spam.claim_flood_slot("192.0.2.60") is True
        now = time.time()
        assert spam.flood_wait_seconds("192.0.2.60", now=now + 10.2) == 5
        assert spam.flood_wait_seconds("192.0.2.60", now=now + 14.9) == 1
        assert spam.flood_wait_seconds("192.0.2.60", now=now) == 15

    def test_one_second_is_singular(self, send, article, monkeypatch):
        assert send(article, comment="First.").status_code == 302
        monkeypatch.setattr(spam, "flood_wait_seconds", lambda ip_address: 1)
        response = send(article, comment="Second.")
        assert response.status_code == 429
        assert response["Retry-After"] == "1"
        assert "Please wait 1 second and press" in response.content.decode()

    def test_without_the_timing_entry_the_whole_window_is_given(self, article, settings):
        settings.COMMENTS_FLOOD_SECONDS = 15
        assert spam.claim_flood_slot("192.0.2.61") is True
        cache.delete(spam._key("flood-at", "192.0.2.61"))
        assert spam.flood_wait_seconds("192.0.2.61") == 15


class TestPublicationBadge:
    def test_staff_reply_from_the_admin_carries_the_publications_name(self, client, article):
        site = SiteSettings.load()
        reader = CommentFactory(article=article, author_name="Jane Reader")
        editor = UserFactory(username="ed", is_staff=True)
        reply = CommentFactory(article=article, parent=reader, author_name="Ed", user=editor)
        html = client.get(article.get_absolute_url()).content.decode()
        item = re.search(rf'<li id="comment-{reply.pk}".*?</footer>', html, re.S).group(0)
        assert (
            '<b class="comment-author">Ed</b> <span class="comment-badge">'
            '<span class="visually-hidden">, replying for </span>'
            f"{site.name}</span>"
        ) in item
        readers = re.search(rf'<li id="comment-{reader.pk}".*?</footer>', html, re.S).group(0)
        assert "comment-badge" not in readers

    def test_badge_name_is_escaped(self, client, article):
        site = SiteSettings.load()
        site.name = "Strategist <b>&</b> Co"
        site.save()
        CommentFactory(article=article, user=UserFactory(username="ed2", is_staff=True))
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Strategist &lt;b&gt;&amp;&lt;/b&gt; Co</span>" in html


class TestHeading:
    def test_no_comments_heading_without_comments_but_the_form_stays(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'id="comments-title"' not in html
        assert "Comments</h2>" not in html
        assert 'aria-labelledby="reply-title"' in html
        assert "Leave a Reply" in html
        assert 'id="commentform"' in html

    def test_heading_counts_the_comments_when_there_are_some(self, client, article):
        CommentFactory(article=article)
        CommentFactory(article=article)
        html = client.get(article.get_absolute_url()).content.decode()
        assert '<h2 id="comments-title" class="comments-title">2 Comments</h2>' in html
        assert 'aria-labelledby="comments-title"' in html

    def test_closed_and_empty_has_no_heading_and_says_closed(self, client, article):
        article.comments_open = False
        article.save()
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'id="comments-title"' not in html
        assert "Comments are closed." in html
        assert '<section id="comments" class="comments-area" aria-label="Comments">' in html

    def test_only_a_pending_comment_is_not_counted_for_strangers(self, client, article):
        CommentFactory(article=article, status=Comment.Status.PENDING)
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'id="comments-title"' not in html
