"""
The page cache: what is cached, for whom, with which headers, and that
nothing personal or per-response crosses from one reader to another.
"""

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.middleware.csrf import _does_token_match
from django.test import Client
from django.utils import timezone

from comments import cookies
from comments.models import Comment
from comments.spam import TIMESTAMP_SALT
from posts.models import Article
from tests.comment_helpers import comment_data, own_view
from tests.factories import ArticleFactory, UserFactory
from tests.pagecache.conftest import fetched_twice, get

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
TIMESTAMP_INPUT = re.compile(r'name="timestamp" value="([^"]+)"')


# What is cached, and how it is labelled


@pytest.mark.parametrize("name", ["home", "tag", "feed", "archive"])
def test_list_pages_are_public_for_a_short_time(article, name):
    url = {
        "home": "/",
        "tag": article.tags.get().get_absolute_url(),
        "feed": "/feed/",
        "archive": f"/{timezone.localtime(article.pub_date).year}/",
    }[name]
    first, second = fetched_twice(url)
    for response in (first, second):
        control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert control == {"public", "max-age=60", "s-maxage=60", "stale-while-revalidate=30"}
        assert "Cookie" not in response.get("Vary", "")
        assert "Set-Cookie" not in response.headers
    assert first.content == second.content


def test_the_article_with_its_comment_form_is_public_and_the_same_for_everyone(article):
    first, second = fetched_twice(article.get_absolute_url())
    for response in (first, second):
        control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert control == {"public", "max-age=60", "s-maxage=60", "stale-while-revalidate=30"}
        assert "Cookie" not in response.get("Vary", "")
        assert not response.cookies
    assert first.content == second.content
    assert "csrfmiddlewaretoken" not in first.content.decode()


FORM_PAGE = pytest.mark.urls("tests.pagecache.form_urls")


def test_admin_and_posting_are_never_cached(article, admin_client):
    response = admin_client.get("/admin/")
    assert "X-Page-Cache" not in response.headers
    response = Client().post(f"/comments/post/{article.pk}/", comment_data(article))
    assert "X-Page-Cache" not in response.headers


def test_unknown_query_parameters_are_rendered_not_stored(article):
    url = article.get_absolute_url() + "?nonsense=1"
    assert "X-Page-Cache" not in get(Client(), url).headers
    assert "X-Page-Cache" not in get(Client(), url).headers


def test_tracking_parameters_share_the_plain_page(article):
    get(Client(), "/")
    assert get(Client(), "/?utm_source=twitter&fbclid=abc")["X-Page-Cache"] == "hit"


def test_missing_pages_are_not_cached(article):
    assert Client().get("/2001/01/nothing-here/").status_code == 404
    response = Client().get("/2001/01/nothing-here/")
    assert response.status_code == 404
    assert response.get("X-Page-Cache") != "hit"


def test_setting_turns_the_page_cache_off(article, settings):
    settings.PAGE_CACHE_ENABLED = False
    for _ in range(2):
        response = get(Client(), article.get_absolute_url())
        assert "X-Page-Cache" not in response.headers


# Nothing personal crosses readers


def csrf_secret(client):
    return client.cookies[settings_csrf_cookie_name()].value


def settings_csrf_cookie_name():
    from django.conf import settings

    return settings.CSRF_COOKIE_NAME


@FORM_PAGE
def test_each_reader_gets_their_own_csrf_token_from_a_cached_page():
    first_reader, second_reader = Client(), Client()
    first = get(first_reader, "/form-page/")
    second = get(second_reader, "/form-page/")
    assert "private" in second["Cache-Control"] and "Cookie" in second["Vary"]
    assert second["X-Page-Cache"] == "hit"
    first_token = CSRF_INPUT.search(first.content.decode())[1]
    second_token = CSRF_INPUT.search(second.content.decode())[1]
    assert first_token != second_token
    # Each token belongs to the cookie set on that reader's own response.
    assert _does_token_match(first_token, csrf_secret(first_reader))
    assert _does_token_match(second_token, csrf_secret(second_reader))
    assert not _does_token_match(second_token, csrf_secret(first_reader))
    # Nothing of the first reader's secret is in the page the second one got.
    assert csrf_secret(first_reader) not in second.content.decode()
    assert "\x00" not in second.content.decode()


@FORM_PAGE
def test_a_reader_who_already_has_a_csrf_cookie_keeps_it():
    get(Client(), "/form-page/")
    reader = Client()
    get(reader, "/admin/login/")  # any page that sets the CSRF cookie
    secret = csrf_secret(reader)
    response = get(reader, "/form-page/")
    assert response["X-Page-Cache"] == "hit"
    assert _does_token_match(CSRF_INPUT.search(response.content.decode())[1], secret)


def test_the_form_of_a_cached_page_posts_with_csrf_checks_on(article, settings):
    get(Client(), article.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    page = get(reader, article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    # No token in the shared page: the comment POST is checked by its origin instead.
    response = reader.post(
        f"/comments/post/{article.pk}/",
        comment_data(article),
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(article=article, author_name="Jane Reader").exists()


@FORM_PAGE
def test_form_timestamp_is_signed_afresh_for_every_response(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    get(Client(), "/form-page/")
    time_machine.shift(timedelta(seconds=5))
    before = int(time.time())
    page = get(Client(), "/form-page/")
    assert page["X-Page-Cache"] == "hit"
    article_id, issued = signing.loads(
        TIMESTAMP_INPUT.search(page.content.decode())[1], salt=TIMESTAMP_SALT
    )
    assert article_id == 1
    assert issued >= before


def test_pending_comment_is_shown_to_its_author_only(article, settings):
    settings.REPLICA_PIN_SECONDS = 0
    get(Client(), article.get_absolute_url())  # cached before the post
    author = Client()
    response = author.post(
        f"/comments/post/{article.pk}/", comment_data(article, comment="My held words.")
    )
    assert response.status_code == 302
    assert Comment.objects.get(body="My held words.").status == Comment.Status.PENDING
    # The author gets the shared page; their comment comes from the personal request.
    own = get(author, article.get_absolute_url())
    assert own["X-Page-Cache"] == "hit"
    assert "My held words." not in own.content.decode()
    assert "My held words." in own_view(author, article.pk)
    assert "awaiting moderation" in own_view(author, article.pk)
    for _ in range(2):
        other = get(Client(), article.get_absolute_url())
        assert "My held words." not in other.content.decode()
        assert "awaiting moderation" not in other.content.decode()
        assert "My held words." not in own_view(Client(), article.pk)


def test_saved_name_and_email_never_reach_another_reader(article, settings):
    settings.REPLICA_PIN_SECONDS = 0
    author = Client()
    author.post(
        f"/comments/post/{article.pk}/",
        comment_data(
            article,
            author="Priya Saved",
            email="priya.saved@example.org",
            cookie_consent="on",
        ),
    )
    assert cookies.AUTHOR_COOKIE in author.cookies
    mine = get(author, article.get_absolute_url())
    assert "priya.saved@example.org" not in mine.content.decode()
    assert "priya.saved@example.org" in own_view(author, article.pk)
    for _ in range(2):
        other = get(Client(), article.get_absolute_url()).content.decode()
        assert "priya.saved@example.org" not in other
        assert "Priya Saved" not in other
        assert "Priya Saved" not in own_view(Client(), article.pk)


def test_logged_in_staff_bypass_the_cache(article):
    get(Client(), "/")
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    response = get(staff, "/")
    assert response["X-Page-Cache"] == "bypass"
    assert "private" in response["Cache-Control"]


def test_staff_preview_of_a_draft_is_not_cached_for_readers():
    draft = ArticleFactory(title="Draft memo", status=Article.Status.DRAFT)
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "Draft memo" in get(staff, draft.get_absolute_url()).content.decode()
    assert Client().get(draft.get_absolute_url()).status_code == 404
