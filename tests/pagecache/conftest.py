"""Fixtures and helpers for the page cache's tests: the cache on, one article."""

import pytest
from django.test import Client

from comments.models import DiscussionSettings
from posts.models import SiteSettings
from tests.factories import ArticleFactory, TagFactory


@pytest.fixture(autouse=True)
def _page_cache_on(settings, fake_google):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_MAX_AGE = 60
    # The single-row settings exist on any site that has served a page.
    SiteSettings.load()
    DiscussionSettings.load()


@pytest.fixture
def article():
    return ArticleFactory(title="The suburban realignment", tags=[TagFactory(name="Suburbs")])


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response


def fetched_twice(url):
    """A first reader fills the cache, a second one (new browser) is served from it."""
    first = get(Client(), url)
    second = get(Client(), url)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    return first, second


def visible_to_readers(url, text):
    return text in get(Client(), url).content.decode()


def cache_then(url, text, expected_before):
    """Fill the cache and check it holds the page as it was."""
    assert visible_to_readers(url, text) is expected_before
    assert get(Client(), url)["X-Page-Cache"] == "hit"
