"""
The empty "Leave a Reply" form is rendered once per process (comments.blank_form,
issue 17 part 3) and is the same HTML as rendering its template for the page.
"""

import re
from unittest import mock

import pytest
from django.test import Client

from comments import blank_form
from comments.forms import CommentForm
from comments.models import DiscussionSettings
from posts.models import SiteSettings
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

VALUES = {
    "post_url": "/comments/post/7/",
    "timestamp_url": "/comments/timestamp/7/",
    "personal_url": "/comments/personal/7/",
    "page_url": "/2026/12/a/",
    "comment_page_number": 2,
    "comment_policy_url": "/comment-policy/",
}
# django-recaptcha gives each widget its own id (the same within one page).
WIDGET_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def _fresh():
    blank_form.forget()
    yield
    blank_form.forget()


def rendered_whole(values):
    form = CommentForm(article=None)
    context = {**values, "form": form, "reply_to": None, "captcha_version": 3}
    return blank_form.render_form(context)


def test_the_blank_form_is_the_template_rendered_with_the_pages_values():
    html = blank_form.blank_form_html(VALUES)

    assert WIDGET_ID.sub("ID", html) == WIDGET_ID.sub("ID", rendered_whole(VALUES))
    assert 'action="/comments/post/7/"' in html
    assert 'data-comment-page="2"' in html
    assert 'href="/comment-policy/"' in html
    assert "\x00" not in html


def test_each_pages_values_are_escaped():
    hostile = {**VALUES, "page_url": '/a/"><script>x</script>', "comment_policy_url": "/p?a=1&b=2"}

    html = blank_form.blank_form_html(hostile)

    assert "<script>" not in html
    assert 'href="/a/&quot;&gt;&lt;script&gt;x&lt;/script&gt;#respond"' in html
    assert 'href="/p?a=1&amp;b=2"' in html
    assert WIDGET_ID.sub("ID", html) == WIDGET_ID.sub("ID", rendered_whole(hostile))


def test_without_a_comment_policy_the_note_is_left_out():
    html = blank_form.blank_form_html({**VALUES, "comment_policy_url": ""})

    assert "comment-policy-note" not in html
    assert "comment-policy-note" in blank_form.blank_form_html(VALUES)


def test_the_form_is_rendered_once_for_many_article_pages():
    SiteSettings.load()
    DiscussionSettings.load()
    articles = [ArticleFactory() for _ in range(3)]
    client = Client()
    with mock.patch.object(blank_form, "render_form", wraps=blank_form.render_form) as render:
        pages = [client.get(article.get_absolute_url()) for article in articles]

    assert render.call_count == 1
    for article, page in zip(articles, pages, strict=True):
        html = page.content.decode()
        assert f'action="/comments/post/{article.pk}/"' in html
        assert f'href="{article.get_absolute_url()}#respond"' in html


def test_a_reply_and_a_form_with_errors_are_rendered_whole(settings):
    settings.PAGE_CACHE_ENABLED = False
    article = ArticleFactory()
    answered = CommentFactory(article=article, author_name="Ana Reader")

    page = Client().get(f"{article.get_absolute_url()}?replytocom={answered.pk}")

    html = page.content.decode()
    assert "Leave a Reply to Ana Reader" in html
    assert f'name="parent" value="{answered.pk}"' in html


def test_changing_the_captcha_version_renders_the_form_again(settings):
    v3 = blank_form.blank_form_html(VALUES)
    settings.RECAPTCHA_VERSION = 2

    v2 = blank_form.blank_form_html(VALUES)

    assert 'data-captcha-version="3"' in v3
    assert 'data-captcha-version="2"' in v2
    assert v2 != v3
