"""
Reply notifications and comment pages in Chromium: a reader ticks the box with
the keyboard on page 2 of the comments, lands back on that page, confirms from
the email, and unsubscribes with one button; every screen fits 1366 and 390
pixels without sideways scrolling (screenshots in /tmp/conversation-*.png).
"""

import re
import tempfile
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache

from comments.models import Comment, DiscussionSettings, Subscriber, Subscription
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"wide": {"width": 1366, "height": 900}, "narrow": {"width": 390, "height": 844}}


@pytest.fixture
def article(settings, fake_google):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # Playwright types faster than people
    settings.SITE_URL = "http://testserver"
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.page_comments = True
    discussion.comments_per_page = 2
    discussion.default_comments_page = DiscussionSettings.DefaultPage.FIRST
    discussion.save()
    article = ArticleFactory(title="The suburban realignment")
    for number in range(1, 6):
        top = CommentFactory(
            article=article,
            author_name=f"Reader {number}",
            body=f"Thread {number}: turnout in the suburbs is the whole story this year.",
        )
        CommentFactory(article=article, parent=top, author_name=f"Answer {number}")
    return article


def fits(page, name: str) -> None:
    """No sideways scrolling; the screenshot is kept to look at."""
    page.screenshot(path=Path(tempfile.gettempdir()) / f"conversation-{name}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px of sideways scrolling"


def local(url: str, live_server) -> str:
    return url.replace("http://testserver", live_server.url)


@pytest.mark.parametrize("width", WIDTHS)
def test_subscribe_on_page_two_confirm_and_unsubscribe(
    new_context, article, live_server, width, console_errors
):
    page = new_context(viewport=WIDTHS[width]).new_page()
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    cache.clear()
    page.goto(f"{article.get_absolute_url()}comment-page-2/")
    nav = page.locator(".comment-navigation")
    assert "← Older Comments" in nav.inner_text()
    assert "Newer Comments →" in nav.inner_text()
    assert page.locator(".comment-navigation .current").inner_text() == "2"
    fits(page, f"page-2-{width}")

    # Reply to a comment on this page, ticking the box from the keyboard.
    reader3 = Comment.objects.get(author_name="Reader 3")
    page.click(f"#comment-{reader3.pk} .comment-reply-link")
    page.fill("#id_comment", "The exurbs moved too.")
    page.fill("#id_author", "Jane Reader")
    page.fill("#id_email", "jane@example.org")
    page.focus("#id_url")
    page.keyboard.press("Tab")  # the "Save my name" box
    page.keyboard.press("Tab")  # the notification box
    assert page.evaluate("document.activeElement.id") == "id_notify"
    page.keyboard.press("Space")
    assert page.is_checked("#id_notify")
    fits(page, f"form-{width}")
    with page.expect_navigation():
        page.click("button:has-text('Post Comment')")
    reply = Comment.objects.get(body="The exurbs moved too.")
    assert reply.parent == reader3
    assert page.url.endswith(f"comment-page-2/#comment-{reply.pk}")
    assert page.locator(f"#comment-{reader3.pk} #comment-{reply.pk}").count() == 1

    # The confirmation email: its link, then the button.
    (message,) = mail.outbox
    confirm_url = re.search(r"http://testserver/comments/confirm/\S+/", message.body).group(0)
    page.goto(local(confirm_url, live_server))
    fits(page, f"confirm-{width}")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.click("button:has-text('Confirm')")
    assert "Reply notifications are on" in page.inner_text("main")
    assert Subscriber.objects.get().confirmed_at is not None

    # An answer to Jane, approved at once: she is emailed, with one-click unsubscribe.
    mail.outbox.clear()
    CommentFactory(article=article, parent=reply, author_name="Sam")
    (notification,) = mail.outbox
    unsubscribe = re.search(r"http://testserver/comments/unsubscribe/\S+/", notification.body)
    page.goto(local(unsubscribe.group(0), live_server))
    fits(page, f"unsubscribe-{width}")
    with page.expect_navigation():
        page.click("button:has-text('Unsubscribe')")
    assert "You are unsubscribed" in page.inner_text("main")
    assert Subscription.objects.count() == 0
    assert console_errors == []


def test_an_old_comment_link_lands_on_the_page_that_shows_it(page, article, console_errors):
    """article#comment-ID (the admin, a feed, a WordPress link) when the comment is on page 3."""
    answer5 = Comment.objects.get(author_name="Answer 5")
    cache.clear()
    page.goto(f"{article.get_absolute_url()}#comment-{answer5.pk}")
    page.wait_for_url(f"**/comment-page-3/#comment-{answer5.pk}")
    assert page.locator(f"#comment-{answer5.pk}").is_visible()
    # A link to a comment on the page shown stays where it is.
    reader1 = Comment.objects.get(author_name="Reader 1")
    page.goto(f"{article.get_absolute_url()}#comment-{reader1.pk}")
    assert page.url.endswith(f"{article.get_absolute_url()}#comment-{reader1.pk}")
    assert console_errors == []
