"""
The shared cache (Redis) going away: pages are still served, comments still
taken and moderated, and nothing a reader wrote is refused for it.

The cache here is the production backend pointed at Redis on a port nothing
listens on (connection refused), or on a socket that accepts and never
answers (a hung Redis, bounded by REDIS_TIMEOUT_SECONDS).
"""

import socket
import time

import pytest
from django.core.cache import cache
from django.test import Client

from comments.models import Comment, DiscussionSettings
from pagecache.backends import CACHE_ERRORS
from pagecache.middleware import CACHE_RETRY_SECONDS
from posts.models import SiteSettings
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.security.servers import closed_port

pytestmark = pytest.mark.django_db


def redis_cache(location, timeout=0.5):
    return {
        "default": {
            "BACKEND": "pagecache.backends.SharedClientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


@pytest.fixture
def article(fake_google):
    SiteSettings.load()
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    return ArticleFactory(title="Turnout without a cache")


@pytest.fixture
def redis_down(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{closed_port()}/0")
    with pytest.raises(CACHE_ERRORS):
        cache.get("anything")  # the cache really is unreachable


def post(client, article, ip="192.0.2.60", **overrides):
    return client.post(
        f"/comments/post/{article.pk}/", comment_data(article, **overrides), REMOTE_ADDR=ip
    )


def test_pages_are_rendered_without_the_cache(client, article, redis_down):
    for url in ("/", article.get_absolute_url(), "/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Page-Cache"] == "unavailable"
        assert "private" in response["Cache-Control"]
    assert "Turnout without a cache" in client.get("/").content.decode()


def test_comments_are_taken_and_duplicates_still_found_in_the_database(client, article, redis_down):
    assert post(client, article, comment="First, while Redis is down.").status_code == 302
    # The flood limit needs the cache: a second comment from the address goes through.
    assert post(client, article, comment="Second, at once.").status_code == 302
    # The duplicate check also asks the database.
    again = post(client, article, ip="192.0.2.61", comment="First, while Redis is down.")
    assert again.status_code == 409
    assert "First, while Redis is down." in again.content.decode()
    assert sorted(Comment.objects.values_list("body", flat=True)) == [
        "First, while Redis is down.",
        "Second, at once.",
    ]


def test_approving_and_editing_work_and_show_at_once(client, article, redis_down):
    comment = CommentFactory(article=article, status=Comment.Status.PENDING, body="Held words.")
    assert "Held words." not in client.get(article.get_absolute_url()).content.decode()
    moderator = Client()
    moderator.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = moderator.post(
        "/admin/comments/comment/?status=all",
        {"action": "approve", "_selected_action": [comment.pk]},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    article.title = "Edited without a cache"
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Held words." in html
    assert "Edited without a cache" in html


def test_a_hung_cache_costs_one_timeout_then_is_left_alone(article, settings):
    """After one timed-out call the process renders without the cache for a while."""
    settings.PAGE_CACHE_ENABLED = True
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)  # accepts connections, never answers
    try:
        settings.CACHES = redis_cache(f"redis://127.0.0.1:{hung.getsockname()[1]}/0", 1.0)
        client = Client()
        started = time.monotonic()
        first = client.get(article.get_absolute_url())
        first_took = time.monotonic() - started
        started = time.monotonic()
        second = client.get(article.get_absolute_url())
        second_took = time.monotonic() - started
    finally:
        hung.close()
    assert first.status_code == second.status_code == 200
    assert first["X-Page-Cache"] == second["X-Page-Cache"] == "unavailable"
    assert first_took >= 1.0  # waited for the timeout once
    assert second_took < 1.0  # and not again


def test_the_cache_is_used_again_when_it_comes_back(article, redis_down, settings, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("pagecache.middleware.monotonic", lambda: clock[0])
    reader = Client()
    assert reader.get("/")["X-Page-Cache"] == "unavailable"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    clock[0] += CACHE_RETRY_SECONDS - 0.1
    assert reader.get("/")["X-Page-Cache"] == "unavailable"  # still leaving it alone
    clock[0] += 0.2
    assert reader.get("/")["X-Page-Cache"] == "miss"
    assert reader.get("/")["X-Page-Cache"] == "hit"
