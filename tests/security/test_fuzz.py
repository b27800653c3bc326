"""
Bad input, fuzzed with hypothesis, against the comment endpoint and public URLs:
a 4xx with a clear message, never a 500, and nothing stored by a refused post.
"""

import itertools
import json
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment, DiscussionSettings
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
FIELDS = ["comment", "author", "email", "url", "parent", "honeypot", "timestamp", "captcha"]
# Everything unicode has, surrogates and control characters included.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
huge_text = st.integers(10_001, 40_000).map(lambda n: "x" * n)
addresses = itertools.count(1)

# A refused post answers with a message for the reader, never a bare status.
CLEAR_MESSAGES = (
    "field-error",
    "errorlist",
    "Please",
    "Bad Request",
    "Comments are closed",
    "posting comments too quickly",
    "Duplicate comment",
)


@pytest.fixture
def article(fake_google):
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    return ArticleFactory(title="Fuzzing target")


def encode(value) -> bytes:
    """Percent-encode a field as a browser would; lone surrogates go out as raw bytes."""
    return quote(str(value).encode("utf-8", "surrogatepass"), safe="").encode()


def raw_form(fields) -> bytes:
    return b"&".join(encode(name) + b"=" + encode(value) for name, value in fields)


def post_raw(client, article, body: bytes, content_type="application/x-www-form-urlencoded"):
    n = next(addresses)
    return client.generic(
        "POST",
        f"/comments/post/{article.pk}/",
        body,
        content_type=content_type,
        REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
    )


def check(response, before: int):
    """The invariant of every post: no 5xx; refused posts store nothing and say why."""
    assert response.status_code < 500, response.content[:500]
    after = Comment.objects.count()
    if response.status_code == 302:
        assert after == before + 1
    else:
        assert 400 <= response.status_code < 500
        assert after == before, "a refused post changed the database"
        text = response.content.decode("utf-8", "replace")
        assert any(message in text for message in CLEAR_MESSAGES), text[:500]


def assert_public_pages_work(client, article):
    for path in (
        article.get_absolute_url(),
        article.get_absolute_url() + "feed/",
        "/feed/comments/",
        "/",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])


@FUZZ
@given(values=st.fixed_dictionaries(dict.fromkeys(FIELDS, any_text)))
@example(values={"comment": "Control \x01\x02\x0b\x1f characters", "author": "Ctrl \x07"})
@example(values={"comment": "Lone \ud800 surrogate", "author": "\udfff"})
@example(values={"comment": "Null \x00 byte", "author": "N\x00"})
def test_arbitrary_field_values(client, article, values):
    data = comment_data(article)
    data.update(values)
    before = Comment.objects.count()
    check(post_raw(client, article, raw_form(data.items())), before)
    assert_public_pages_work(client, article)


@FUZZ
@given(
    comment=st.one_of(any_text, huge_text),
    author=st.one_of(any_text, st.integers(101, 5000).map(lambda n: "n" * n)),
    email=st.one_of(any_text, st.integers(255, 5000).map(lambda n: "e" * n + "@example.com")),
)
def test_valid_envelope_with_fuzzed_content(client, article, comment, author, email):
    """A well-formed form (timestamp, captcha) around arbitrary reader input."""
    before = Comment.objects.count()
    data = comment_data(article, comment=comment, author=author, email=email)
    response = post_raw(client, article, raw_form(data.items()))
    check(response, before)
    if response.status_code == 302:
        stored = Comment.objects.latest("id")
        # What was accepted is stored as typed (surrounding whitespace aside).
        assert stored.body == comment.strip() or stored.body.strip() == comment.strip()


@FUZZ
@given(
    drop=st.sets(st.sampled_from(FIELDS)),
    double=st.sets(st.sampled_from(FIELDS)),
    extra=st.lists(st.tuples(any_text, any_text), max_size=5),
)
@example(drop=set(), double={"parent"}, extra=[])
@example(drop={"timestamp", "captcha"}, double=set(), extra=[("parent", "abc")])
def test_missing_doubled_and_unknown_fields(client, article, drop, double, extra):
    data = comment_data(article, comment="Fuzzed fields.")
    fields = [(k, v) for k, v in data.items() if k not in drop]
    fields += [(k, f"{data.get(k, '')} again") for k in double]
    fields += extra
    before = Comment.objects.count()
    check(post_raw(client, article, raw_form(fields)), before)


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/json", None),
        ("text/plain", b"comment=hello&author=x&email=x@example.com"),
        ("multipart/form-data; boundary=nope", b"--nope\r\ngarbage"),
        ("multipart/form-data", b"no boundary at all"),
        ("application/x-www-form-urlencoded; charset=utf-16", b"\xff\xfec\x00=\x00"),
        ("application/x-www-form-urlencoded; charset=no-such-charset", b"comment=hi"),
        ("", b"comment=hi"),
        ("application/xml", b"<comment>hi</comment>"),
    ],
)
def test_wrong_content_types(client, article, content_type, body):
    if body is None:
        body = json.dumps(comment_data(article)).encode()
    before = Comment.objects.count()
    response = post_raw(client, article, body, content_type=content_type)
    check(response, before)


def test_oversize_body_is_refused(client, article):
    before = Comment.objects.count()
    data = comment_data(article, comment="y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    response = post_raw(client, article, raw_form(data.items()))
    assert response.status_code == 400
    assert Comment.objects.count() == before
    # Too many fields, each small.
    response = post_raw(client, article, b"&".join([b"a=1"] * 5000))
    assert response.status_code == 400
    assert Comment.objects.count() == before


def test_overlong_comment_gets_a_message_and_keeps_the_text(client, article):
    before = Comment.objects.count()
    text = "z" * 10_001
    response = post_raw(client, article, raw_form(comment_data(article, comment=text).items()))
    assert response.status_code == 400
    body = response.content.decode()
    assert "at most 10000 characters" in body or "at most 10,000 characters" in body
    assert text in body
    assert Comment.objects.count() == before


def test_get_and_other_methods_on_the_endpoint(client, article):
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        response = client.generic(method, f"/comments/post/{article.pk}/")
        assert response.status_code == 405, method
    assert client.post("/comments/post/999999/", comment_data(article)).status_code == 404


path_text = st.text(st.characters(codec="utf-8", exclude_characters="/?#"), max_size=80)


@pytest.fixture
def published():
    article = ArticleFactory(slug="fuzzed-urls", title="Fuzzed URLs")
    TagFactory(slug="fuzz")
    CommentFactory(article=article)
    return article


@FUZZ
@given(segment=path_text, query=any_text, page=st.one_of(any_text, st.integers()))
@example(segment="x", query="null \x00 byte", page="0")
@example(segment="%00", query="\ud800", page="-1")
@example(segment="\x00", query="", page="")
def test_public_urls_never_fail(client, published, segment, query, page):
    article = published
    q = urlencode({"q": query.encode("utf-8", "surrogatepass")})
    p = urlencode({"page": str(page).encode("utf-8", "surrogatepass")})
    s = quote(segment.encode("utf-8", "surrogatepass"), safe="")
    paths = [
        f"/search/?{q}",
        f"/search/?{q}&{p}",
        f"/?{p}",
        f"/page/{s}/",
        f"/tag/{s}/",
        f"/tag/fuzz/?{p}",
        f"/author/{s}/",
        f"/source/{s}/",
        f"/2026/{s}/",
        f"/{s}/",
        f"{article.get_absolute_url()}?replytocom={s}",
        f"{article.get_absolute_url()}{s}/",
        f"/feed/?{q}",
        f"/sitemap.xml?{p}",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, (path, response.content[:300])
