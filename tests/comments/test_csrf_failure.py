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


def test_the_comment_form_needs_no_csrf_cookie(article):
    """The shared article page carries no token: the POST is checked by its origin instead."""
    response = post_without_csrf_cookie(article)
    assert response.status_code == 302
    assert Comment.objects.get().body == WORDS


def test_a_wrong_token_does_not_matter_to_the_comment_form(article):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    data = comment_data(article, comment=WORDS, csrfmiddlewaretoken="b" * 32)
    response = client.post(
        f"/comments/post/{article.pk}/", data, headers={"Origin": "http://testserver"}
    )
    assert response.status_code == 302


def test_the_page_needs_no_database(db):
    """Even with the database gone, a refused form gets the explanation, not an error."""
    client = Client(enforce_csrf_checks=True)
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("gone")):
        response = client.post("/admin/login/", {"username": "chief", "comment": WORDS})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert "these</em>" not in html


def test_other_forms_get_the_explanation_without_a_text_box(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "chief", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert "<textarea" not in html
