"""
The Content-Security-Policy breaks nothing: the reader's comment form (our
script plus reCAPTCHA's) and the Django admin work in Chromium with no policy
violation reported.
"""

import pytest

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(watcher):
    return [
        line
        for line in watcher.console
        if "CSP-VIOLATION" in line or "Content Security Policy" in line
    ] + watcher.errors


def test_comment_form_works_under_the_policy(browse, fake_google, settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # Playwright types faster than people
    page, watcher = browse
    article = ArticleFactory(title="Policy and the form")
    response = page.goto(article.get_absolute_url())
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy
    page.fill("#id_comment", "Posted by a real browser under the policy.")
    page.fill("#id_author", "Browser Reader")
    page.fill("#id_email", "browser.reader@example.org")
    with page.expect_navigation():
        page.click("#commentform button[type=submit]")
    comment = Comment.objects.get(body="Posted by a real browser under the policy.")
    # The shared page, then the reader's own held comment put in place by comments.js's
    # personal request: that script runs under the policy too.
    assert "awaiting moderation" in page.inner_text(f"#comment-{comment.pk}")
    assert page.locator(f"#comment-{comment.pk}").count() == 1
    # comments.js ran and asked (our stand-in for) reCAPTCHA for a token, which the
    # server sent to (our stand-in for) Google.
    assert fake_google.requests[-1]["response"] == "token-from-the-stand-in"
    assert violations(watcher) == []


def test_admin_works_under_the_policy(browse, live_server):
    page, watcher = browse
    UserFactory(username="csp-admin", is_staff=True, is_superuser=True)
    CommentFactory(status=Comment.Status.PENDING, body="Waiting for a moderator.")
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", "correct horse battery staple")
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.url.endswith("/admin/")
    assert page.locator("#content").count() == 1

    # The admin's own JavaScript runs: the slug is filled from the title as it is typed.
    page.goto("/admin/posts/article/add/")
    page.fill("#id_title", "Policy check article")
    page.locator("#id_title").dispatch_event("keyup")
    page.wait_for_function("document.getElementById('id_slug').value !== ''")
    assert page.input_value("#id_slug") == "policy-check-article"
    # The autocomplete widget (select2) initialises.
    assert page.locator(".select2-container").count() >= 1

    page.goto("/admin/comments/comment/")
    assert "Waiting for a moderator." in page.content()
    page.goto("/admin/comments/comment/?status=all")
    page.select_option("select[name=action]", "approve")
    page.check("#action-toggle")
    with page.expect_navigation():
        page.click("button[name=index]")
    assert Comment.objects.get(body="Waiting for a moderator.").status == "approved"
    assert violations(watcher) == []
