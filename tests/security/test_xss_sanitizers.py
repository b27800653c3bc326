"""Every XSS payload comes out of every sanitizer inert, and sanitizing is idempotent."""

from functools import partial

import pytest

from comments.sanitize import sanitize_comment
from markup.html import ARTICLE, clean
from posts.rendering import render_body
from tests.security.dom_checks import problems, url_scheme
from tests.security.xss_payloads import XSS_PAYLOADS

sanitize_body = partial(clean, policy=ARTICLE)

SANITIZERS = {
    "render_body": render_body,
    "sanitize_body": sanitize_body,
    "sanitize_comment": sanitize_comment,
}


@pytest.mark.parametrize("name", SANITIZERS)
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_output_is_inert(name, payload):
    html = SANITIZERS[name](payload)
    assert problems(html) == [], html


@pytest.mark.parametrize("name", SANITIZERS)
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_output_is_inert_inside_prose(name, payload):
    html = SANITIZERS[name](f"Before the payload.\n\n{payload} in a sentence.\n\nAfter it.")
    assert problems(html) == [], html
    assert "Before the payload." in html


# (what produces the stored HTML, the cleaner that must leave it unchanged)
CLEANERS = {
    "render_body": (render_body, sanitize_body),
    "sanitize_body": (sanitize_body, sanitize_body),
    "sanitize_comment": (sanitize_comment, sanitize_comment),
}


@pytest.mark.parametrize("name", CLEANERS)
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitizing_clean_output_changes_nothing(name, payload):
    produce, clean = CLEANERS[name]
    once = produce(payload)
    assert clean(once) == once


def test_the_checker_itself_catches_what_it_must():
    """The DOM check is what the sanitizer tests rely on: prove it can fail."""
    assert problems("<img src=x onerror=alert(1)>")
    assert problems('<a href="jav&#x09;ascript:alert(1)">x</a>')
    assert problems('<a href="  data:text/html,x">x</a>')
    assert problems("<svg><a>x</a></svg>")
    assert problems('<p style="x">x</p>')
    assert problems("<script>1</script>")
    assert problems('<a href="https://example.com/" rel="nofollow">ok</a>') == []
    assert problems('<a href="&#x6A;avascript:1">x</a>')
    assert url_scheme(" java\tscript:1") == "javascript"
    assert url_scheme("/relative/path") is None


def test_links_survive_with_safe_rel():
    html = sanitize_comment('See <a href="https://example.com/report">the report</a>.')
    assert 'href="https://example.com/report"' in html
    assert 'rel="nofollow ugc noopener"' in html
