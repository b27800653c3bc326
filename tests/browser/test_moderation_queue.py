"""
The moderators' queue in Chromium, as a member of the Moderators group uses
it: it fits at 1366 and 390 px, Spam and Trash offer Undo (with and without
JavaScript), WordPress's keyboard shortcuts are announced, Reply and Quick
edit open in place, and the comment's page shows the comment rendered.
Screenshots are written to /tmp/queue-*.png.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from comments.models import Comment, DiscussionSettings, HoldReason
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
QUEUE = "/admin/comments/comment/"
SHOTS = Path("/tmp")  # noqa: S108 (screenshots to look at, not secrets)
LONG = (
    "Turnout in the exurbs decided it, not persuasion: look at the precinct returns from "
    "the collar counties, where the margin moved less than the number of voters did. "
    "https://example.org/a-very-long-address-that-must-wrap-inside-its-card/and-more"
)


@pytest.fixture
def queue():
    """An article with an approved comment and three held ones, newest first in the queue."""
    DiscussionSettings.load()
    article = ArticleFactory(title="The suburban realignment and what it means for 2028")
    parent = CommentFactory(article=article, author_name="Ada Approved", body="An approved one.")
    held = []
    for index, body in enumerate(["Third held <em>comment</em>.", LONG, "First held comment."]):
        comment = CommentFactory(
            article=article,
            parent=parent if index == 1 else None,
            author_name=f"Reader {index}",
            author_email=f"reader.with.a.long.address.{index}@example-domain.org",
            author_url="https://a-rather-long-personal-website.example.org/about",
            ip_address="203.0.113.50",
            status=Comment.Status.PENDING,
            body=body,
        )
        HoldReason.objects.create(comment=comment, code=HoldReason.Code.FIRST_COMMENT)
        held.append(comment)
    # Newest first: the last created is the first row.
    return list(reversed(held))


def moderator_page(new_context, **options):
    """A logged-in member of the Moderators group, in a browser profile of its own."""
    if not Group.objects.filter(name="Moderators").exists():
        pytest.fail("the Moderators group is made by a migration")
    if not UserFactory._meta.model.objects.filter(username="mod").exists():
        user = UserFactory(username="mod", is_staff=True)
        user.groups.add(Group.objects.get(name="Moderators"))
    page = new_context(**options).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"/admin/login/?next={QUEUE}")
    page.fill("#id_username", "mod")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.errors = errors
    return page


def unexpected(errors):
    """Console errors but the 400 answers a test provoked on purpose (a form's errors)."""
    return [e for e in errors if "status of 400 (Bad Request)" not in e]


def row_of(page, comment):
    return page.locator(
        "#result_list tbody tr", has=page.locator(f"[data-comment-id='{comment.pk}']")
    )


def live_text(page):
    return page.inner_text("#queue-live")


def wait_for_live(page, text):
    page.wait_for_function(
        "text => document.getElementById('queue-live').textContent.includes(text)", arg=text
    )


def status_of(comment):
    comment.refresh_from_db()
    return comment.status


@pytest.mark.parametrize("width", [1366, 390])
def test_the_queue_fits_the_screen(new_context, queue, width):
    page = moderator_page(new_context, viewport={"width": width, "height": 900})
    page.wait_for_selector("#result_list")
    scroll = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " box: document.querySelector('#changelist .results').scrollWidth,"
        " boxWidth: document.querySelector('#changelist .results').clientWidth})"
    )
    assert scroll["page"] <= scroll["inner"], scroll
    assert scroll["box"] <= scroll["boxWidth"], scroll
    first = page.locator("#result_list tbody tr").first
    for action in first.locator(".row-actions .row-action").all():
        box = action.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (action.inner_text(), box)
    # The text is not squeezed (it was 70-118 px): the widest column at 1366 px, beside the
    # navigation and the filters; nearly the screen's width on a phone.
    text = first.locator(".queue-text").bounding_box()
    assert text["width"] >= (width - 100 if width < 768 else 400), text
    page.screenshot(path=SHOTS / f"queue-{width}.png", full_page=True)
    assert page.errors == []


@pytest.mark.parametrize(("action", "message"), [("Spam", "marked as spam"), ("Trash", "Trash")])
def test_spam_and_trash_offer_undo_in_place(new_context, queue, action, message):
    page = moderator_page(new_context, viewport={"width": 1366, "height": 900})
    first = queue[0]
    row_of(page, first).locator(f".row-action:has-text('{action}')").click()
    wait_for_live(page, message)
    notice = page.locator("td.queue-notice")
    assert message in notice.inner_text()
    assert status_of(first) == ("spam" if action == "Spam" else "trash")
    assert page.url.endswith(QUEUE)  # no page load
    # The navigation counted again (never having opened the Spam view, all spam is new).
    counts = " ".join(page.inner_text(".moderation-counts").split())
    assert counts == ("2 pending 1 new spam" if action == "Spam" else "2 pending 0 new spam")
    page.screenshot(path=SHOTS / f"queue-undo-{action.lower()}.png")
    notice.locator("button:has-text('Undo')").click()
    wait_for_live(page, "Undone")
    assert status_of(first) == "pending"
    assert row_of(page, first).locator(".row-action:has-text('Approve')").count() == 1
    assert page.errors == []


@pytest.mark.parametrize(("action", "message"), [("Spam", "marked as spam"), ("Trash", "Trash")])
def test_undo_without_javascript(new_context, queue, action, message):
    page = moderator_page(
        new_context, viewport={"width": 1366, "height": 900}, java_script_enabled=False
    )
    first = queue[0]
    with page.expect_navigation():
        row_of(page, first).locator(f"button:has-text('{action}')").click()
    assert message in page.inner_text(".messagelist")
    assert status_of(first) != "pending"
    with page.expect_navigation():
        page.click(".messagelist button:has-text('Undo')")
    assert "1 comment restored." in page.inner_text(".messagelist")
    assert status_of(first) == "pending"


def test_keyboard_shortcuts_are_announced(new_context, queue):
    page = moderator_page(new_context, viewport={"width": 1366, "height": 900})
    first, second, third = queue
    page.keyboard.press("j")
    wait_for_live(page, "Comment 1 of 3 selected")
    assert "queue-selected" in row_of(page, first).get_attribute("class")
    page.screenshot(path=SHOTS / "queue-keyboard-1366.png")
    assert page.evaluate("document.activeElement.matches('tr.queue-selected')")
    page.keyboard.press("a")
    wait_for_live(page, "approved")
    assert status_of(first) == "approved"
    page.keyboard.press("u")
    wait_for_live(page, "Undone")
    assert status_of(first) == "pending"

    page.keyboard.press("j")
    wait_for_live(page, "Comment 2 of 3 selected")
    page.keyboard.press("s")
    wait_for_live(page, "marked as spam")
    assert status_of(second) == "spam"
    page.keyboard.press("u")
    wait_for_live(page, "Undone")
    assert status_of(second) == "pending"
    page.keyboard.press("t")
    wait_for_live(page, "moved to the Trash")
    assert status_of(second) == "trash"
    page.keyboard.press("u")
    wait_for_live(page, "Undone")
    assert status_of(second) == "pending"

    page.keyboard.press("j")
    wait_for_live(page, "Comment 3 of 3 selected")
    page.keyboard.press("k")
    wait_for_live(page, "Comment 2 of 3 selected")
    page.keyboard.press("r")
    wait_for_live(page, "Reply to Reader 1 opened")
    # Typing in a field is typing: "j", "s" and "t" are letters there.
    page.keyboard.type("just so, thanks")
    assert page.input_value(f"#queue-reply-{second.pk}") == "just so, thanks"
    assert status_of(second) == "pending"
    page.click(".queue-editor-save")
    wait_for_live(page, "Your reply is published.")
    reply = Comment.objects.get(parent=second)
    assert reply.body == "just so, thanks" and reply.is_approved()
    assert status_of(second) == "approved"  # answering approves it
    assert third.pk and page.errors == []


def test_quick_edit_in_place(new_context, queue):
    page = moderator_page(new_context, viewport={"width": 390, "height": 900})
    first = queue[0]
    row_of(page, first).locator(".row-action:has-text('Quick edit')").click()
    prefix = f"#id_quick-{first.pk}"
    page.wait_for_selector(f"{prefix}-author_name")
    assert page.evaluate("document.activeElement.id") == f"id_quick-{first.pk}-author_name"
    page.fill(f"{prefix}-author_email", "not an email")
    page.fill(f"{prefix}-body", "Corrected words.")
    page.click(".queue-editor-save")
    page.wait_for_selector(".queue-field-errors")
    assert "Enter a valid email address." in page.inner_text(".queue-field-author_email")
    assert page.input_value(f"{prefix}-body") == "Corrected words."  # the text kept
    page.screenshot(path=SHOTS / "queue-quick-edit-error-390.png", full_page=True)
    page.fill(f"{prefix}-author_email", "first@example.org")
    page.fill(f"{prefix}-author_name", "First Reader")
    page.select_option(f"{prefix}-status", "approved")
    page.click(".queue-editor-save")
    wait_for_live(page, "Comment by First Reader updated.")
    first.refresh_from_db()
    assert (first.author_name, first.author_email, first.body, first.status) == (
        "First Reader",
        "first@example.org",
        "Corrected words.",
        "approved",
    )
    assert "Corrected words." in row_of(page, first).inner_text()
    assert page.locator(".queue-editor").count() == 0
    assert unexpected(page.errors) == []


def test_reply_in_place_with_the_mouse(new_context, queue):
    page = moderator_page(new_context, viewport={"width": 1366, "height": 900})
    first = queue[0]
    row_of(page, first).locator(".row-action:has-text('Reply')").click()
    page.click(".queue-editor-save")  # empty: an error beside the box, nothing posted
    page.wait_for_selector(".queue-editor .queue-field-errors:not([hidden])")
    assert "required" in page.inner_text(".queue-editor .queue-field-errors")
    page.fill(f"#queue-reply-{first.pk}", "Thank you for writing.")
    page.screenshot(path=SHOTS / "queue-reply-1366.png")
    page.click(".queue-editor-save")
    wait_for_live(page, "Your reply is published.")
    assert Comment.objects.get(parent=first).body == "Thank you for writing."
    assert unexpected(page.errors) == []


@pytest.mark.parametrize("width", [1366, 390])
def test_the_comments_page_shows_it_rendered(new_context, queue, width):
    page = moderator_page(new_context, viewport={"width": width, "height": 900})
    comment = queue[2]  # "Third held <em>comment</em>."
    page.goto(f"{QUEUE}{comment.pk}/change/")
    assert page.inner_text(".comment-preview em") == "comment"
    assert "<em>" not in page.inner_text(".comment-preview")
    links = page.locator(".comment-moderation-bar a.comment-site-link")
    assert links.count() == 1 and "in place" in links.inner_text()
    assert page.locator("a.viewsitelink").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=SHOTS / f"queue-change-{width}.png", full_page=True)
    links.click()
    page.wait_for_selector(".comment-in-place")
    assert "Not public" in page.inner_text(".comment-in-place")
    assert re.search(r"An approved one\.", page.inner_text(".comment-list"))
    page.screenshot(path=SHOTS / f"queue-in-place-{width}.png", full_page=True)
    assert page.errors == []
