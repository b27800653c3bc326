"""
One article page for every reader without personal state (issue 17 part 1): no
CSRF token, timestamp, saved name or held comment in the HTML; the comment POST
checked by where the browser says it came from; the timestamp and what is
personal fetched by comments.js.
"""

import json
import re
import time

import pytest
from django.test import Client

from comments import cookies
from comments.models import Comment, HoldReason
from comments.spam import sign_timestamp
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _google(fake_google):
    return fake_google


@pytest.fixture
def article():
    return ArticleFactory(title="The suburban realignment")


def post(client, article, headers=None, **overrides):
    return client.post(
        f"/comments/post/{article.pk}/",
        comment_data(article, **overrides),
        REMOTE_ADDR="203.0.113.9",
        headers=headers if headers is not None else {"Origin": "http://testserver"},
    )


def no_javascript_data(article, **overrides):
    """What a browser without JavaScript sends: no timestamp, no token, the noscript marker."""
    data = comment_data(article, **{"timestamp": "", "captcha": "", **overrides})
    data["noscript"] = "1"
    return data


def personal(client, article):
    response = client.get(f"/comments/personal/{article.pk}/")
    assert response.status_code == 200
    return response, json.loads(response.content)


class TestTheSharedPage:
    def test_the_article_is_the_same_bytes_for_every_reader_and_public(self, article):
        first, second = Client(), Client()
        one = first.get(article.get_absolute_url())
        two = second.get(article.get_absolute_url())
        assert one.status_code == two.status_code == 200
        assert one.content == two.content
        html = one.content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert re.search(r'name="timestamp" id="id_timestamp"', html)
        assert not re.search(r'name="timestamp" value=', html)
        control = {part.strip() for part in one["Cache-Control"].split(",")}
        assert control == {"public", "max-age=60", "s-maxage=60", "stale-while-revalidate=30"}
        assert "Cookie" not in one.get("Vary", "")
        assert not one.cookies  # no CSRF cookie either
        assert two["X-Page-Cache"] == "hit"
        assert "Cookie" not in two.get("Vary", "")

    def test_stale_while_revalidate_is_a_setting(self, client, article, settings):
        settings.PAGE_CACHE_MAX_AGE = 120
        settings.PAGE_CACHE_STALE_SECONDS = 45
        control = client.get(article.get_absolute_url())["Cache-Control"]
        assert {part.strip() for part in control.split(",")} == {
            "public",
            "max-age=120",
            "s-maxage=120",
            "stale-while-revalidate=45",
        }

    def test_a_returning_commenter_gets_the_shared_page(self, client, article, settings):
        settings.REPLICA_PIN_SECONDS = 0  # no read replica here: no pin cookie
        CommentFactory(article=article, status=Comment.Status.APPROVED, body="Seen by all.")
        anonymous = Client().get(article.get_absolute_url())
        response = post(client, article, cookie_consent="on", comment="My own held words.")
        assert response.status_code == 302
        assert {cookies.AUTHOR_COOKIE, cookies.PENDING_COOKIE, cookies.MARKER_COOKIE} <= set(
            response.cookies
        )
        assert response.cookies[cookies.MARKER_COOKIE]["httponly"] == ""
        page = client.get(article.get_absolute_url())
        assert page["X-Page-Cache"] == "hit"
        assert page.content == anonymous.content
        assert "Jane Reader" not in page.content.decode()
        assert "My own held words." not in page.content.decode()

    def test_a_signed_in_editor_still_gets_a_private_page(self, client, article):
        client.force_login(UserFactory(is_staff=True))
        response = client.get(article.get_absolute_url())
        assert response["X-Page-Cache"] == "bypass"
        assert "private" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


class TestThePersonalRequest:
    def test_saved_details_and_own_held_comment_come_as_private_json(self, client, article):
        CommentFactory(article=article, status=Comment.Status.APPROVED)
        post(client, article, cookie_consent="on", comment="Awaiting a moderator.")
        held = Comment.objects.get(body="Awaiting a moderator.")
        assert held.status == Comment.Status.PENDING
        response, data = personal(client, article)
        control = response["Cache-Control"]
        assert "private" in control and "no-store" in control
        assert "Cookie" in response["Vary"]
        assert data["author"] == {
            "author": "Jane Reader",
            "email": "jane.reader@example.org",
            "url": "",
        }
        (own,) = data["comments"]
        assert own["id"] == held.pk and own["parent"] is None and own["page"] == 1
        assert f'id="comment-{held.pk}"' in own["html"]
        assert "Your comment is awaiting moderation." in own["html"]
        assert "Awaiting a moderator." in own["html"]

    def test_someone_else_gets_nothing_of_it(self, client, article):
        post(client, article, cookie_consent="on")
        stranger = Client()
        response, data = personal(stranger, article)
        assert data == {"author": None, "comments": []}

    def test_no_query_without_the_cookies_and_the_marker_is_dropped(
        self, article, django_assert_num_queries
    ):
        reader = Client()
        reader.cookies[cookies.MARKER_COOKIE] = "1"
        with django_assert_num_queries(0):
            response = reader.get(f"/comments/personal/{article.pk}/")
        assert json.loads(response.content) == {"author": None, "comments": []}
        assert response.cookies[cookies.MARKER_COOKIE]["max-age"] == 0

    def test_the_timestamp_endpoint_signs_the_moment_the_reader_starts(self, client, article):
        response = client.get(f"/comments/timestamp/{article.pk}/")
        assert "no-store" in response["Cache-Control"]
        value = json.loads(response.content)["timestamp"]
        # Posted at once with it: too fast; a minute later: fine.
        form = comment_data(article, timestamp=value)
        from comments.spam import timestamp_signals

        assert timestamp_signals(form["timestamp"], article.pk)[0][0] == HoldReason.Code.TOO_FAST
        assert timestamp_signals(form["timestamp"], article.pk, now=time.time() + 60) == []
        assert client.get("/comments/timestamp/not-a-key/").status_code == 404


class TestTheCommentPost:
    @pytest.mark.parametrize(
        "headers",
        [
            {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
            {"Sec-Fetch-Site": "same-site", "Origin": "http://media.testserver"},
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Referer": "https://evil.example/page.html"},
        ],
    )
    def test_a_forged_cross_site_post_is_refused_with_the_text_back(self, client, article, headers):
        response = post(client, article, headers=headers, comment="Forged words to keep.")
        assert response.status_code == 403
        html = response.content.decode()
        assert "sent from another website, so it was not posted" in html
        assert "Forged words to keep." in html
        assert not Comment.objects.exists()
        assert not set(response.cookies) & {
            cookies.AUTHOR_COOKIE,
            cookies.PENDING_COOKIE,
            cookies.MARKER_COOKIE,
        }

    @pytest.mark.parametrize(
        "headers",
        [
            {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
            {"Origin": "http://testserver"},
            {"Referer": "http://testserver/2026/01/an-article/"},
        ],
    )
    def test_a_post_from_our_page_is_taken(self, client, article, headers):
        response = post(client, article, headers=headers)
        assert response.status_code == 302
        assert Comment.objects.count() == 1

    def test_no_csrf_token_is_needed_but_other_forms_keep_the_check(self, article):
        strict = Client(enforce_csrf_checks=True)
        response = strict.post(
            f"/comments/post/{article.pk}/",
            comment_data(article),
            headers={"Origin": "http://testserver"},
        )
        assert response.status_code == 302
        assert strict.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 403

    def test_a_post_that_says_nothing_of_its_origin_acts_for_no_account(self, client, article):
        client.force_login(UserFactory(is_staff=True))
        assert post(client, article, headers={}).status_code == 302
        assert post(
            client,
            article,
            headers={"Origin": "http://testserver"},
            comment="Second, from our page.",
        ).status_code in (302, 429)
        first = Comment.objects.order_by("pk").first()
        assert first.user_id is None

    def test_the_post_response_is_never_stored(self, client, article):
        response = post(client, article)
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


class TestWithoutJavaScript:
    def test_a_reader_without_javascript_is_held_with_the_reason_and_told(self, client, article):
        response = client.post(
            f"/comments/post/{article.pk}/",
            no_javascript_data(article, comment="Typed in a browser with scripts off."),
            headers={"Origin": "http://testserver"},
        )
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        codes = {reason.code for reason in comment.hold_reasons.all()}
        assert HoldReason.Code.NO_JAVASCRIPT in codes
        assert not codes & {HoldReason.Code.BAD_TIMESTAMP, HoldReason.Code.TOO_FAST}
        assert response["Location"] == f"/comment/{comment.pk}/held/"
        page = client.get(response["Location"])
        assert page.status_code == 200
        html = page.content.decode()
        assert "awaiting moderation" in html
        assert "Typed in a browser with scripts off." in html
        assert "no-store" in page["Cache-Control"]
        # Nobody else sees it there.
        assert Client().get(response["Location"]).status_code == 404

    def test_a_bare_post_without_timestamp_or_marker_is_still_spam(self, client, article):
        post(client, article, timestamp="", captcha="")
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        codes = {reason.code for reason in comment.hold_reasons.all()}
        assert HoldReason.Code.BAD_TIMESTAMP in codes

    def test_a_tampered_timestamp_is_spam_even_with_the_marker(self, client, article):
        data = no_javascript_data(article, timestamp=sign_timestamp(article.pk) + "x")
        client.post(f"/comments/post/{article.pk}/", data, headers={"Origin": "http://testserver"})
        assert Comment.objects.get().status == Comment.Status.SPAM

    def test_a_reader_whose_browser_could_not_fetch_the_timestamp_is_held_not_spam(
        self, client, article
    ):
        # comments.js sends "unavailable" when the timestamp request failed or
        # took too long; with reCAPTCHA's token, that is a reader: held.
        response = post(client, article, timestamp="unavailable", author="Net Glitch")
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        codes = {reason.code for reason in comment.hold_reasons.all()}
        assert HoldReason.Code.TIMESTAMP_UNAVAILABLE in codes
        assert not codes & {HoldReason.Code.BAD_TIMESTAMP, HoldReason.Code.TOO_FAST}

    def test_unavailable_is_no_way_around_the_captcha(self, client, article):
        post(client, article, timestamp="unavailable", captcha="")
        assert Comment.objects.get().status == Comment.Status.SPAM
