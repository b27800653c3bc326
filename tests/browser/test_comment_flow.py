"""
A reader comments and replies in Chromium, a moderator approves in the admin,
and the comments appear for everyone. Google's script is the local stand-in of
tests/playwright_fixtures.py; its server-side check is faked by ``fake_google``.
"""

import re
import time

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.playwright_fixtures import RECAPTCHA_STUB

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def article(settings, fake_google):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # Playwright types faster than people
    DiscussionSettings.load()  # default: a first comment waits for approval
    article = ArticleFactory(title="The suburban realignment")
    CommentFactory(article=article, author_name="Ada Approved", body="An approved comment.")
    return article


def post_comment(page, text, name=None, email=None, save=False):
    page.fill("#id_comment", text)
    if name is not None:
        page.fill("#id_author", name)
    if email is not None:
        page.fill("#id_email", email)
    if save:
        page.check("#id_cookie_consent")
    with page.expect_navigation():
        page.click("button:has-text('Post Comment')")


def test_reader_comments_and_replies_moderator_approves_everyone_sees(
    page, new_context, article, fake_google, console_errors
):
    ada = Comment.objects.get(author_name="Ada Approved")

    # A reader posts a comment with JavaScript: the token is fetched at submit time.
    page.goto(article.get_absolute_url())
    post_comment(page, "Turnout decided it.", "Jane Reader", "jane@example.org", save=True)
    first = Comment.objects.get(body="Turnout decided it.")
    assert page.url.endswith(f"{article.get_absolute_url()}#comment-{first.pk}")
    assert fake_google.requests[-1]["response"] == "browser-token-comment"
    mine = page.locator(f"#comment-{first.pk}")
    assert "Your comment is awaiting moderation." in mine.inner_text()
    assert first.status == Comment.Status.PENDING

    # A reply: the one form moves under Ada's comment without leaving the page.
    cache.clear()  # the 15-second flood window passes
    page.click(f"#comment-{ada.pk} .comment-reply-link")
    assert page.url.endswith(f"{article.get_absolute_url()}#comment-{first.pk}")
    assert page.locator(f"#comment-{ada.pk} #respond").count() == 1
    assert page.inner_text("#reply-title").startswith("Leave a Reply to Ada Approved")
    assert page.evaluate("document.activeElement.id") == "id_comment"
    # Saved in this browser: name and email are filled in.
    assert page.input_value("#id_author") == "Jane Reader"
    assert page.input_value("#id_email") == "jane@example.org"
    assert page.is_checked("#id_cookie_consent")
    post_comment(page, "Replying to Ada.")
    reply = Comment.objects.get(body="Replying to Ada.")
    assert reply.parent == ada
    assert reply.cookie_consent is True
    # The shared page, then the reader's own held reply put in place by the personal request.
    expect(page.locator(f"#comment-{ada.pk} #comment-{reply.pk}")).to_have_count(1)
    assert "awaiting moderation" in page.inner_text(f"#comment-{reply.pk}")

    # Nobody else sees them yet.
    stranger = new_context().new_page()
    stranger.goto(article.get_absolute_url())
    assert stranger.locator(f"#comment-{first.pk}").count() == 0
    assert stranger.locator(f"#comment-{reply.pk}").count() == 0

    # A moderator logs in and approves: one by its row button, one by the bulk action.
    moderator = UserFactory(username="moderator", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    admin = new_context().new_page()
    admin.goto("/admin/login/?next=/admin/")
    admin.fill("#id_username", "moderator")
    admin.fill("#id_password", PASSWORD)
    with admin.expect_navigation():
        admin.click("input[type=submit]")
    assert re.search(r"2\s+comments awaiting moderation", admin.inner_text("#content"))
    admin.click("text=comments awaiting moderation")
    admin.wait_for_url("**/admin/comments/comment/")
    row = admin.locator("tr", has=admin.locator(f"input[value='{first.pk}']"))
    assert "jane@example.org" in row.inner_text()
    # The row button works in place (comments/static/comments/admin/queue.js).
    row.locator("button:has-text('Approve')").click()
    admin.locator("#queue-live", has_text="approved").wait_for(state="attached")
    admin.check(f"input[name=_selected_action][value='{reply.pk}']")
    admin.select_option("select[name=action]", "approve")
    with admin.expect_navigation():
        admin.click("button[name=index]")
    first.refresh_from_db()
    reply.refresh_from_db()
    assert first.status == reply.status == Comment.Status.APPROVED
    assert first.approved_by == moderator

    # The reader and a stranger see both, without the notice; the reply is nested.
    page.reload()
    assert "awaiting moderation" not in page.inner_text("#comments")
    stranger.reload()
    assert "Turnout decided it." in stranger.inner_text(f"#comment-{first.pk}")
    assert stranger.locator(f"#comment-{ada.pk} #comment-{reply.pk}").count() == 1
    assert "jane@example.org" not in stranger.content()
    assert console_errors == []


def test_cancel_reply_puts_the_form_back(page, article):
    ada = Comment.objects.get(author_name="Ada Approved")
    page.goto(article.get_absolute_url())
    page.click(f"#comment-{ada.pk} .comment-reply-link")
    assert page.input_value("input[name=parent]") == str(ada.pk)
    page.click("#cancel-comment-reply-link")
    assert page.locator("#respond-home #respond").count() == 1
    assert page.input_value("input[name=parent]") == ""
    assert page.inner_text("#reply-title-text") == "Leave a Reply"
    assert not page.is_visible("#cancel-comment-reply-link")


def test_errors_keep_text_and_focus_first_invalid_field(page, article):
    page.goto(article.get_absolute_url())
    page.fill("#id_comment", "Words worth keeping.")
    with page.expect_navigation():
        page.click("button:has-text('Post Comment')")
    assert page.input_value("#id_comment") == "Words worth keeping."
    assert page.evaluate("document.activeElement.id") == "id_author"
    assert "Please enter your name." in page.inner_text(".comment-form-author")
    assert page.get_attribute("#id_author", "aria-invalid") == "true"
    assert not Comment.objects.filter(body="Words worth keeping.").exists()


def test_without_javascript_the_comment_is_held_and_shown_to_its_author(
    new_context, article, fake_google, mailoutbox
):
    moderators = DiscussionSettings.load()
    moderators.moderator_emails = "ed@example.org"
    moderators.save()
    page = new_context(java_script_enabled=False).new_page()
    ada = Comment.objects.get(author_name="Ada Approved")
    page.goto(f"{article.get_absolute_url()}?replytocom={ada.pk}")
    assert page.locator(f"#comment-{ada.pk} #respond").count() == 1
    post_comment(page, "No script here.", "Noscript Reader", "ns@example.org")
    comment = Comment.objects.get(body="No script here.")
    # No token, but no JavaScript ran: held for a moderator, not filed as spam.
    assert comment.status == Comment.Status.PENDING
    assert [str(reason) for reason in comment.hold_reasons.all()] == [
        "No JavaScript",
        "No approved comment yet from this name and email",  # the default policy
    ]
    assert comment.parent == ada
    assert fake_google.requests == []
    assert "Your comment is awaiting moderation." in page.inner_text(f"#comment-{comment.pk}")
    (message,) = mailoutbox
    assert message.to == ["ed@example.org"]
    assert "No JavaScript" in message.body


def test_google_unreachable_the_comment_is_held_and_a_moderator_emailed(
    new_context, article, fake_google, mailoutbox
):
    """Google blocked (a blocker, a firewall, an outage): no token, held, not spam."""
    moderators = DiscussionSettings.load()
    moderators.moderator_emails = "ed@example.org"
    moderators.save()
    context = new_context()
    # Registered after the fixture's stand-in, so these win: Google is out of reach.
    context.route("**/*google.com/**", lambda route: route.abort())
    context.route("**/*gstatic.com/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(article.get_absolute_url())
    assert page.evaluate("typeof window.grecaptcha") == "undefined"
    page.fill("#id_comment", "Posted from behind a firewall.")
    page.fill("#id_author", "Firewalled Reader")
    page.fill("#id_email", "fw@example.org")
    started = time.monotonic()
    with page.expect_navigation(timeout=15_000):
        page.click("button:has-text('Post Comment')")
    # Sent at once: the page had loaded without Google's script, no 5-second wait.
    assert time.monotonic() - started < 4
    comment = Comment.objects.get(body="Posted from behind a firewall.")
    assert comment.status == Comment.Status.PENDING
    assert [str(reason) for reason in comment.hold_reasons.all()] == [
        "Captcha unavailable in the browser: Google's script did not load",
        "No approved comment yet from this name and email",  # the default policy
    ]
    assert fake_google.requests == []
    assert "Your comment is awaiting moderation." in page.inner_text(f"#comment-{comment.pk}")
    (message,) = mailoutbox
    assert "Captcha unavailable in the browser" in message.body
    assert "Posted from behind a firewall." in message.body


def test_google_script_that_never_gives_a_token_posts_within_a_few_seconds(
    new_context, article, fake_google
):
    context = new_context()
    # Google's script loads but its second half (from gstatic.com) never does.
    context.route(
        "**/recaptcha/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/javascript",
            body="window.grecaptcha = {ready: function () {}, execute: function () {}};",
        ),
    )
    page = context.new_page()
    page.goto(article.get_absolute_url())
    page.fill("#id_comment", "Google hung.")
    page.fill("#id_author", "Patient Reader")
    page.fill("#id_email", "patient@example.org")
    started = time.monotonic()
    with page.expect_navigation(timeout=15_000):
        page.click("button:has-text('Post Comment')")
    assert 4 <= time.monotonic() - started < 10
    comment = Comment.objects.get(body="Google hung.")
    assert comment.status == Comment.Status.PENDING
    assert str(comment.hold_reasons.first()) == (
        "Captcha unavailable in the browser: Google's script gave no token in time"
    )


def test_recaptcha_v2_unticked_box_is_an_error_beside_it_with_the_text_kept(
    new_context, article, fake_google, settings
):
    settings.RECAPTCHA_VERSION = 2
    context = new_context()
    # Google's checkbox shown but not ticked: its textarea is empty.
    context.route(
        "**/recaptcha/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/javascript",
            body=RECAPTCHA_STUB.replace('"browser-token-v2"', '""'),
        ),
    )
    page = context.new_page()
    page.goto(article.get_absolute_url())
    post_comment(page, "I forgot the box.", "Vee Two", "v2@example.org")
    assert page.input_value("#id_comment") == "I forgot the box."
    error = page.locator(".comment-form-captcha #id_captcha_error")
    assert error.inner_text() == "Please tick “I’m not a robot” and press “Post Comment” again."
    # The message takes the focus (and the screen), right under the box to tick.
    assert page.evaluate("document.activeElement.id") == "id_captcha_error"
    assert not Comment.objects.filter(body="I forgot the box.").exists()
    assert fake_google.requests == []


def test_recaptcha_v2_checkbox(page, article, fake_google, settings):
    settings.RECAPTCHA_VERSION = 2
    fake_google.answer = {"success": True}
    settings_row = DiscussionSettings.load()
    settings_row.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    settings_row.save()
    page.goto(article.get_absolute_url())
    post_comment(page, "Checked the box.", "Vee Two", "v2@example.org")
    assert fake_google.requests[-1]["response"] == "browser-token-v2"
    comment = Comment.objects.get(body="Checked the box.")
    assert comment.status == Comment.Status.APPROVED
    assert "Checked the box." in page.inner_text(f"#comment-{comment.pk}")


def test_deep_threads_and_long_addresses_fit_a_phone_screen(new_context, article):
    """On a 360-pixel screen the page never scrolls sideways and deep replies keep room to read."""
    parent = None
    for depth in range(5):
        parent = CommentFactory(
            article=article,
            parent=parent,
            author_name=f"Level {depth}",
            body=f"Reply at depth {depth}: https://example.com/{'a-very-long-path-segment' * 8}",
        )
    phone = new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(article.get_absolute_url())
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360
    deepest = page.locator(f"#comment-{parent.pk} .comment-content").first
    assert deepest.bounding_box()["width"] >= 220
