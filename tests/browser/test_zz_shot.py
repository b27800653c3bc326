import os
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
import pytest
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_shot(page, fake_google, settings):
    a = ArticleFactory(title="Shot")
    c = CommentFactory(article=a, author_name="Ada Lovelace", author_url="https://ada.example", body="First <em>point</em>.\n\nSecond https://example.com")
    r = CommentFactory(article=a, parent=c, author_name="Bob")
    page.set_viewport_size({"width": 900, "height": 1400})
    page.goto(a.get_absolute_url() + "#comments")
    page.click(f"#comment-{c.pk} .comment-reply-link")
    page.screenshot(path="/tmp/shot1.png", full_page=True)
    page.click("#cancel-comment-reply-link")
    page.fill("#id_email", "bad")
    with page.expect_navigation():
        page.click("button:has-text('Post Comment')")
    page.screenshot(path="/tmp/shot2.png", full_page=True)
