"""A form refused for its CSRF token: a plain explanation, and a reader's comment given back."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from comments.models import Comment, DiscussionSettings
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

WORDS = "Cookies off, but <em>these</em> words & thoughts are mine."


@pytest.fixture
def article(fake_google):
    DiscussionSettings.load()
    return ArticleFactory(title="Cookies and turnout")


def post_without_csrf_cookie(article):
    client = Client(enforce_csrf_checks=True)  # as a browser that refuses cookies
    return client.post(f"/comments/post/{article.pk}/", comment_data(article, comment=WORDS))


def test_comment_without_csrf_cookie_comes_back_to_copy(article):
    response = post_without_csrf_cookie(article)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert "make sure this site may set cookies" in html
    assert (
        "readonly>Cookies off, but &lt;em&gt;these&lt;/em&gt; words &amp; thoughts are mine."
        "</textarea>"
    ) in html
    assert f'href="{article.get_absolute_url()}#respond"' in html
    assert "Cookies and turnout" in html
    assert not Comment.objects.exists()


def test_wrong_token_is_refused_the_same_way(article):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    data = comment_data(article, comment=WORDS, csrfmiddlewaretoken="b" * 32)
    response = client.post(f"/comments/post/{article.pk}/", data)
    assert response.status_code == 403
    assert "Here it is, to copy and post again" in response.content.decode()


def test_the_page_needs_no_database(article):
    """Even with the database gone, the reader's words come back (without the article link)."""
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("gone")):
        response = post_without_csrf_cookie(article)
    assert response.status_code == 403
    html = response.content.decode()
    assert "these</em>" not in html
    assert "&lt;em&gt;these&lt;/em&gt;" in html
    assert "#respond" not in html


def test_other_forms_get_the_explanation_without_a_text_box(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "chief", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert "<textarea" not in html
