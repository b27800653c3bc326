"""
A reader on a phone (390 pixels wide) leaves a comment on a nested page whose
comments an editor switched on, and sees it under the page; a page with
comments off shows no form; a moderator finds a page's held comment in the
queue and filters the queue to that page. Screenshots go to /tmp/pages/.
"""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory, PageFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/pages")  # noqa: S108 - screenshots for a person to look at
PASSWORD = "correct horse battery staple"


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_reader_comments_on_a_page_on_a_phone(page, settings, fake_google, console_errors):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # Playwright types faster than people
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    about = PageFactory(title="About", slug="about")
    team = PageFactory(title="Our team", slug="team", parent=about, comments_open=True)
    CommentFactory(article=None, page=team, author_name="Ada Approved", body="Good people.")
    SCREENSHOTS.mkdir(exist_ok=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/about/")
    assert page.locator("#respond").count() == 0, "comments are off on About"

    page.goto("/about/team/")
    assert page.locator("#comments-title").inner_text() == "1 Comment"
    page.fill("#id_comment", "A strong team, and a welcome page.")
    page.fill("#id_author", "Jane Reader")
    page.fill("#id_email", "jane@example.org")
    with page.expect_navigation():
        page.click("button:has-text('Post Comment')")
    comment = Comment.objects.get(body="A strong team, and a welcome page.")
    assert (comment.page_id, comment.article_id) == (team.pk, None)
    assert comment.status == Comment.Status.APPROVED
    assert page.url.endswith(f"/about/team/#comment-{comment.pk}")
    page.reload()
    mine = page.locator(f"#comment-{comment.pk}")
    assert "A strong team, and a welcome page." in mine.inner_text()
    assert page.locator("#comments-title").inner_text() == "2 Comments"
    assert no_sideways_scrolling(page)
    page.screenshot(path=SCREENSHOTS / "page-comments-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    assert no_sideways_scrolling(page)
    page.screenshot(path=SCREENSHOTS / "page-comments-1366.png", full_page=True)
    assert console_errors == []


def test_a_moderator_finds_a_pages_held_comment_in_the_queue(new_context):
    team = PageFactory(title="Our team", slug="team", comments_open=True)
    held = CommentFactory(
        article=None, page=team, status=Comment.Status.PENDING, body="Held on a page."
    )
    CommentFactory(status=Comment.Status.PENDING, body="Held on an article.")
    moderator = UserFactory(username="mod", is_staff=True, password=PASSWORD)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    page = new_context().new_page()
    page.goto("/admin/login/?next=/admin/comments/comment/")
    page.fill("#id_username", "mod")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    block = page.locator(f'.queue-comment[data-comment-id="{held.pk}"]')
    assert "On Our team (page)" in " ".join(block.locator(".queue-where").inner_text().split())
    with page.expect_navigation():
        block.get_by_role("link", name="Our team").click()
    assert f"page__id__exact={team.pk}" in page.url
    assert page.locator(".queue-comment").count() == 1
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert no_sideways_scrolling(page)
        page.screenshot(path=SCREENSHOTS / f"page-comments-queue-{width}.png", full_page=True)
