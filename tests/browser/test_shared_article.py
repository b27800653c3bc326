"""
The shared article page in Chromium (issue 17 part 1): a reader comments with
JavaScript (the timestamp fetched when they start writing), comes back to the
same shared page and sees their saved name and their held comment from the
personal request, and a reader without JavaScript comments and is held.
Screenshots at 1366 and 390 px in /tmp/shared-article-*.png.
"""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings, HoldReason
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def article(settings, fake_google):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # Playwright types faster than people
    # A site without a read replica. tests/pagecache/test_replica.py adds a "replica"
    # database alias for the whole session, and after a post the replica pin cookie
    # (pagecache.routers) rightly sends the reader past the shared page.
    settings.REPLICA_PIN_SECONDS = 0
    DiscussionSettings.load()  # default: a first comment waits for approval
    article = ArticleFactory(title="The suburban realignment")
    CommentFactory(article=article, author_name="Ada Approved", body="An approved comment.")
    return article


def fits(page, name: str) -> None:
    """No sideways scrolling; the screenshot is kept to look at."""
    page.screenshot(path=Path(tempfile.gettempdir()) / f"shared-article-{name}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px of sideways scrolling"


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_with_javascript_then_returning_reader(new_context, article, width):
    context = new_context(viewport=WIDTHS[width])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    first = page.goto(article.get_absolute_url())
    assert "public" in first.headers["cache-control"]
    assert page.locator("input[name=csrfmiddlewaretoken]").count() == 0
    assert page.input_value("#id_timestamp") == ""

    # Starting to write fetches the timestamp.
    page.fill("#id_comment", "Turnout decided it, in the suburbs.")
    expect(page.locator("#id_timestamp")).not_to_have_value("")
    page.fill("#id_author", "Jane Reader")
    page.fill("#id_email", "jane@example.org")
    page.check("#id_cookie_consent")
    with page.expect_navigation():
        page.click("button:has-text('Post Comment')")
    mine = Comment.objects.get(body="Turnout decided it, in the suburbs.")
    assert mine.status == Comment.Status.PENDING
    codes = set(mine.hold_reasons.values_list("code", flat=True))
    assert not codes & {HoldReason.Code.BAD_TIMESTAMP, HoldReason.Code.TOO_FAST}
    # Back on the shared page, the held comment is shown to its author in place.
    held = page.locator(f"#comment-{mine.pk}")
    expect(held).to_contain_text("Your comment is awaiting moderation.")

    # Coming back later: the same shared page (from the page cache), their saved
    # details and their held comment filled in by the personal request.
    again = context.new_page()
    response = again.goto(article.get_absolute_url())
    assert response.headers["x-page-cache"] == "hit"
    assert "public" in response.headers["cache-control"]
    expect(again.locator("#id_author")).to_have_value("Jane Reader")
    expect(again.locator("#id_email")).to_have_value("jane@example.org")
    assert again.is_checked("#id_cookie_consent")
    expect(again.locator(f"#comment-{mine.pk}")).to_contain_text("awaiting moderation")
    again.locator(f"#comment-{mine.pk}").scroll_into_view_if_needed()
    fits(again, f"returning-{width}")

    # Another reader on the same page sees neither.
    stranger = new_context(viewport=WIDTHS[width]).new_page()
    stranger.goto(article.get_absolute_url())
    assert stranger.input_value("#id_author") == ""
    assert stranger.locator(f"#comment-{mine.pk}").count() == 0
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_without_javascript_comments_and_is_held(new_context, article, width):
    page = new_context(viewport=WIDTHS[width], java_script_enabled=False).new_page()
    page.goto(article.get_absolute_url())
    page.fill("#id_comment", "No scripts here, but a view all the same.")
    page.fill("#id_author", "Noel Noscript")
    page.fill("#id_email", "noel@example.org")
    with page.expect_navigation():
        page.click("button:has-text('Post Comment')")
    comment = Comment.objects.get(author_name="Noel Noscript")
    assert comment.status == Comment.Status.PENDING
    codes = set(comment.hold_reasons.values_list("code", flat=True))
    assert HoldReason.Code.NO_JAVASCRIPT in codes
    assert not codes & {HoldReason.Code.BAD_TIMESTAMP, HoldReason.Code.TOO_FAST}
    assert page.url.endswith(f"/comment/{comment.pk}/held/")
    assert "awaiting moderation" in page.content()
    assert "No scripts here, but a view all the same." in page.content()
    fits(page, f"nojs-held-{width}")
    page.click("text=Back to the comments")
    assert page.url.endswith(f"{article.get_absolute_url()}#comments")


def test_a_reader_whose_timestamp_request_fails_is_held_not_spam(new_context, article):
    page = new_context(viewport=WIDTHS["phone"]).new_page()
    page.route("**/comments/timestamp/**", lambda route: route.abort())
    page.goto(article.get_absolute_url())
    page.fill("#id_comment", "Written on a train between two tunnels.")
    page.fill("#id_author", "Tunnel Reader")
    page.fill("#id_email", "tunnel@example.org")
    with page.expect_navigation():
        page.click("button:has-text('Post Comment')")
    mine = Comment.objects.get(body="Written on a train between two tunnels.")
    assert mine.status == Comment.Status.PENDING
    codes = set(mine.hold_reasons.values_list("code", flat=True))
    assert HoldReason.Code.TIMESTAMP_UNAVAILABLE in codes
    expect(page.locator(f"#comment-{mine.pk}")).to_contain_text("awaiting moderation")
