"""security.origin: where the browser says a POST came from."""

import pytest
from django.test import RequestFactory

from security.origin import Origin, post_origin


def origin_of(headers: dict, **extra) -> Origin:
    return post_origin(RequestFactory().post("/comments/post/1/", headers=headers, **extra))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # Sec-Fetch-Site decides when present, whatever the other headers say.
        ({"Sec-Fetch-Site": "same-origin"}, Origin.SAME),
        ({"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"}, Origin.SAME),
        ({"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"}, Origin.CROSS),
        ({"Sec-Fetch-Site": "same-site"}, Origin.CROSS),
        ({"Sec-Fetch-Site": "none"}, Origin.CROSS),
        # Then Origin.
        ({"Origin": "http://testserver"}, Origin.SAME),
        ({"Origin": "HTTP://TESTSERVER"}, Origin.SAME),
        ({"Origin": "https://testserver"}, Origin.CROSS),  # another scheme is another origin
        ({"Origin": "http://testserver.evil.example"}, Origin.CROSS),
        ({"Origin": "null"}, Origin.CROSS),
        ({"Origin": ""}, Origin.CROSS),
        # Then Referer, only its scheme and host.
        ({"Referer": "http://testserver/2026/01/a/#respond"}, Origin.SAME),
        ({"Referer": "http://evil.example/http://testserver/"}, Origin.CROSS),
        ({"Referer": "not a url"}, Origin.CROSS),
        ({}, Origin.UNKNOWN),
    ],
)
def test_post_origin(headers, expected):
    assert origin_of(headers) is expected


def test_trusted_origins_count_as_ours(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.org"]
    assert origin_of({"Origin": "https://www.example.org"}) is Origin.SAME
    assert origin_of({"Origin": "https://example.org"}) is Origin.CROSS


def test_a_host_not_allowed_is_never_ours(settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    assert origin_of({"Origin": "http://evil.example"}, SERVER_NAME="evil.example") is Origin.CROSS
