"""
No commenter's email address, nor an unsalted hash of it, in any public response.

Comments are seeded with canary addresses in every status and shape, then the
whole public site is crawled the way a scraper would: links, the sitemap,
feeds, archives, search, paginated pages and error pages.
"""

import hashlib
import re
from collections import deque
from datetime import timedelta
from html import unescape
from urllib.parse import quote, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    OutletFactory,
    QuotationFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MAX_PAGES = 600
SKIP_PREFIXES = ("/admin/", "/comments/post/", "/static/", "/media/")


def canary(n: int, status: str) -> str:
    return f"Canary.{status}.{n}.Qx7@Leak-Test.example"


def forms_of(email: str) -> set[str]:
    """What a leak of this address could look like in a response, all lowercase."""
    normal = email.strip().lower()
    forms = set()
    for value in (email, normal):
        forms |= {
            value.lower(),
            quote(value).lower(),
            value.replace("@", "&#64;").lower(),
            value.replace("@", "&#x40;").lower(),
            hashlib.md5(value.encode()).hexdigest(),  # noqa: S324 (what Gravatar uses)
            hashlib.sha1(value.encode()).hexdigest(),  # noqa: S324
            hashlib.sha256(value.encode()).hexdigest(),
        }
    forms.add(normal.split("@")[0] + "@")  # the local part followed by @
    return forms


@pytest.fixture
def seeded(settings):
    """Articles with comments in every status, replies, pages of articles and comments."""
    emails = []
    tag = TagFactory(name="Suburbs", slug="suburbs")
    author = AuthorFactory(
        name="Ann Writer", slug="ann-writer", email="ann.writer@leak-test.example"
    )
    outlet = OutletFactory(name="Politico", slug="politico")
    now = timezone.now()
    articles = [
        ArticleFactory(
            title=f"Article {n}",
            slug=f"article-{n}",
            pub_date=now - timedelta(days=40 * n + 1),
            authors=[author],
            tags=[tag],
        )
        for n in range(14)  # more than one page of articles, several months
    ]
    QuotationFactory(article=articles[0], outlet=outlet)
    n = 0
    for article in articles[:4]:
        parent = None
        for status in Comment.Status.values:
            for _ in range(3):
                email = canary(n, status)
                emails.append(email)
                comment = CommentFactory(
                    article=article,
                    author_email=email,
                    author_name=f"Reader {n}",
                    author_url=f"https://reader{n}.example.com/",
                    body=f"Comment {n} on the suburbs. Write to me?",
                    status=status,
                    parent=parent if status == Comment.Status.APPROVED else None,
                    ip_address=f"203.0.113.{n % 250 + 1}",
                )
                if status == Comment.Status.APPROVED and parent is None:
                    parent = comment
                n += 1
    # A moderator's reply as the publication, made through the admin: the
    # moderator's own address must not show either.
    moderator_email = "Moderator.Canary.Qx7@Leak-Test.example"
    moderator = UserFactory(
        username="canary-moderator", email=moderator_email, is_staff=True, is_superuser=True
    )
    staff_client = Client()
    staff_client.force_login(moderator)
    answered = Comment.objects.filter(article=articles[0], status=Comment.Status.PENDING).first()
    response = staff_client.post(
        reverse("admin:comments_comment_reply", args=[answered.pk]),
        {"body": "Thanks for writing; the publication answers."},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(user=moderator, status=Comment.Status.APPROVED).exists()
    # A commenter whose name looks like their address is shown by name only: not a leak test.
    return {
        "emails": emails + ["ann.writer@leak-test.example", moderator_email],
        "articles": articles,
    }


def links_in(path: str, response) -> set[str]:
    content_type = response.get("Content-Type", "")
    text = response.content.decode("utf-8", "replace")
    found = set()
    if "xml" in content_type:
        root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
        for element in root.iter():
            tag = element.tag.split("}")[-1]
            text = (element.text or "").strip()
            if tag in ("loc", "link", "guid", "id", "comments") and text.startswith(("http", "/")):
                found.add(text)
            if element.get("href"):
                found.add(element.get("href"))
    else:
        for match in re.finditer(r'(?:href|src|action)\s*=\s*"([^"]*)"', text):
            found.add(unescape(match.group(1)))
    urls = set()
    for link in found:
        absolute = urljoin("http://testserver" + path, link)
        parts = urlsplit(absolute)
        if parts.netloc != "testserver":
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if not local.startswith(SKIP_PREFIXES):
            urls.add(local)
    return urls


def test_no_email_or_hash_in_any_public_response(client, seeded):
    leaks = {form: email for email in seeded["emails"] for form in forms_of(email)}
    first = seeded["articles"][0]
    start = [
        "/",
        "/robots.txt",
        "/sitemap.xml",
        "/feed/",
        "/feed/comments/",
        first.get_absolute_url() + "feed/",
        "/search/?q=suburbs",
        "/search/?q=leak-test.example",
        "/search/?q=Canary",
        "/page/2/",
        "/no-such-page/",
        "/2026/13/nothing/",
        first.get_absolute_url() + "?replytocom=1",
        "/tag/no-such-tag/",
        # Archives, in case no page links to them.
        first.get_absolute_url().rsplit("/", 3)[0] + "/",
        first.get_absolute_url().rsplit("/", 4)[0] + "/",
    ]
    queue = deque(start)
    seen: set[str] = set()
    statuses = {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        statuses[path] = response.status_code
        body = response.content.decode("utf-8", "replace").lower()
        headers = " ".join(
            f"{k}: {v}" for k, v in response.items() if k.lower() != "set-cookie"
        ).lower()
        for form, email in leaks.items():
            assert form not in body, f"{path} leaks {email} as {form!r}"
            assert form not in headers, f"{path} headers leak {email} as {form!r}"
        assert "gravatar" not in body, path
        if response.status_code == 200:
            queue.extend(links_in(path, response) - seen)
    # The crawl really covered the site.
    assert not queue, f"crawl stopped at {MAX_PAGES} pages"
    assert statuses["/no-such-page/"] == 404
    assert not [p for p, s in statuses.items() if s >= 500], statuses
    for article in seeded["articles"]:
        assert statuses.get(article.get_absolute_url()) == 200, article.get_absolute_url()
    for expected in ("/tag/suburbs/", "/author/ann-writer/", "/source/politico/", "/page/2/"):
        assert statuses.get(expected) == 200, expected
    assert any(re.fullmatch(r"/\d{4}/\d{2}/", p) for p in statuses), "no month archive crawled"
    assert any(re.fullmatch(r"/\d{4}/", p) for p in statuses), "no year archive crawled"
    assert len(seen) >= 30, sorted(seen)


def test_the_check_would_catch_a_leak(client, seeded):
    """The crawl's detector against a page that does leak: prove it can fail."""
    email = seeded["emails"][0]
    leaks = forms_of(email)
    page = (
        f"<img src='https://gravatar.com/avatar/{hashlib.md5(email.lower().encode()).hexdigest()}'>"  # noqa: S324
    )
    assert any(form in page.lower() for form in leaks)
    assert any(form in f"<a href='mailto:{quote(email)}'>".lower() for form in leaks)
