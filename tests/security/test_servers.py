"""
The running site under load, across two servers, and when what it depends on fails.

Each test starts real gunicorn processes (DEBUG off, static files collected)
on pytest-django's test database, so they need PostgreSQL; the reCAPTCHA check
goes over HTTPS to a local stand-in for Google (tests/security/servers.py).
"""

import re
import socket
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection

from comments.models import Comment, DiscussionSettings, HoldReason
from comments.sanitize import sanitize_comment
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, UserFactory
from tests.security.servers import NEEDS_POSTGRESQL, closed_port, is_postgresql

postgresql_only = pytest.mark.skipif(not is_postgresql(), reason=NEEDS_POSTGRESQL)

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
FLOOD = "You are posting comments too quickly. Slow down."
DUPLICATE = "Duplicate comment detected"


def post_path(article):
    return f"/comments/post/{article.pk}/"


def moderator(username):
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "moderate_comment"],
        )
    )
    return user


def approve_through_admin(client, ids):
    return client.post(
        "/admin/comments/comment/?status=all",
        [("action", "approve"), *(("_selected_action", str(pk)) for pk in ids)],
    )


@postgresql_only
def test_200_posts_from_20_concurrent_clients(serve, fake_recaptcha):
    article = ArticleFactory(title="Concurrency")
    server = serve(redis=True, workers=3, threads=4)
    verifications_before = len(fake_recaptcha.requests)

    def reader(n):
        """Ten posts: eight accepted, one too soon after the last, one duplicate."""
        outcomes = []
        for i in range(8):
            text = f"Reader {n} comment {i}: the suburbs decide it."
            response = server.client(ip=f"198.51.{n}.{i + 1}").post(
                post_path(article),
                comment_data(article, comment=text, email=f"r{n}-{i}@example.net",
                             author=f"Reader {n}"),
            )  # fmt: skip
            outcomes.append(("accepted", text, response.status))
        # Same address as the last post, a moment later: flood control.
        text = f"Reader {n} again, too soon."
        response = server.client(ip=f"198.51.{n}.8").post(
            post_path(article),
            comment_data(article, comment=text, email=f"r{n}-flood@example.net"),
        )
        outcomes.append(("flood", text, response.status))
        # The same words from the same email, from another address: duplicate.
        text = f"Reader {n} comment 0: the suburbs decide it."
        response = server.client(ip=f"198.51.{n}.99").post(
            post_path(article),
            comment_data(article, comment=text, email=f"r{n}-0@example.net",
                         author=f"Reader {n}"),
        )  # fmt: skip
        outcomes.append(("duplicate", text, response.status))
        return outcomes

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = [outcome for outcomes in pool.map(reader, range(20)) for outcome in outcomes]

    assert len(results) == 200
    statuses = Counter(status for _, _, status in results)
    assert not [s for s in statuses if s >= 500], (statuses, server.output())
    expected = {"accepted": 302, "flood": 429, "duplicate": 409}
    wrong = [(kind, text, status) for kind, text, status in results if status != expected[kind]]
    assert wrong == [], statuses
    stored = Counter(Comment.objects.filter(article=article).values_list("body", flat=True))
    accepted = {text for kind, text, _ in results if kind == "accepted"}
    assert len(accepted) == 160
    assert set(stored) == accepted
    assert all(count == 1 for count in stored.values())
    # Each comment's HTML was made from its own text (threads sanitize at once).
    for body, body_html in Comment.objects.filter(article=article).values_list("body", "body_html"):
        assert body_html == sanitize_comment(body), body
    assert len(fake_recaptcha.requests) - verifications_before == 200

    # Two moderators approve the same comments at the same time.
    moderator("moderator-a")
    moderator("moderator-b")
    clients = []
    for username, ip in (("moderator-a", "192.0.2.1"), ("moderator-b", "192.0.2.2")):
        client = server.client(ip=ip)
        assert client.admin_login(username, PASSWORD).status == 302
        clients.append(client)
    pending = list(
        Comment.objects.filter(article=article, status="pending").values_list("pk", flat=True)
    )
    assert len(pending) == 160  # first comments from new readers wait for a moderator

    def approve(client):
        responses = [approve_through_admin(client, pending) for _ in range(3)]
        counts = []
        for response in responses:
            assert response.status == 302, response.text[:500]
        page = client.get("/admin/comments/comment/?status=all")
        counts += [int(n) for n in re.findall(r"(\d+) comments? approved", page.text)]
        return counts

    with ThreadPoolExecutor(max_workers=2) as pool:
        approved_counts = [n for counts in pool.map(approve, clients) for n in counts]

    comments = Comment.objects.filter(article=article)
    assert comments.filter(status="approved").count() == 160
    assert not comments.filter(approved_at__isnull=True).exists()
    approvers = set(comments.values_list("approved_by__username", flat=True))
    assert approvers <= {"moderator-a", "moderator-b"} and approvers
    # Every comment was approved exactly once, by one of the two.
    assert sum(approved_counts) == 160, approved_counts
    page = server.client(ip="203.0.113.200").get(article.get_absolute_url())
    assert page.status == 200
    assert page.text.count('id="comment-') >= 160


@postgresql_only
def test_two_servers_share_flood_duplicate_lockout_and_approvals(serve, settings):
    article = ArticleFactory(title="Two servers")
    one = serve(redis=True, workers=1, threads=4)
    two = serve(redis=True, workers=1, threads=4)

    # Flood limit: one address, one comment per 15 s, whichever server it reaches.
    first = one.client(ip="203.0.113.10").post(
        post_path(article), comment_data(article, comment="First word.", email="f@example.net")
    )
    assert first.status == 302
    second = two.client(ip="203.0.113.10").post(
        post_path(article), comment_data(article, comment="Second word.", email="f@example.net")
    )
    assert second.status == 429
    assert FLOOD in second.text
    assert "Second word." in second.text  # the reader's text comes back

    # Duplicate check across servers.
    words = comment_data(article, comment="Exactly these words.", email="d@example.net")
    assert one.client(ip="203.0.113.11").post(post_path(article), words).status == 302
    again = two.client(ip="203.0.113.12").post(post_path(article), words)
    assert again.status == 409
    assert DUPLICATE in again.text
    assert sorted(Comment.objects.values_list("body", flat=True)) == [
        "Exactly these words.",
        "First word.",
    ]

    # Admin login lockout: failures on both servers add up.
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit):
        server = one if n % 2 else two
        response = server.client(ip=f"192.0.2.{n + 10}").admin_login("chief", "wrong")
        # The last allowed failure locks the username out.
        assert response.status == (429 if n == limit - 1 else 200), n
    for server in (one, two):
        response = server.client(ip="192.0.2.99").admin_login("chief", PASSWORD)
        assert response.status == 429
        assert "too many login attempts" in response.text

    # An approval through one server shows on the other at once.
    comment = Comment.objects.get(body="First word.")
    assert comment.status == Comment.Status.PENDING
    reader = two.client(ip="203.0.113.50")
    for _ in range(2):  # the second view may come from the page cache
        page = reader.get(article.get_absolute_url())
        assert page.status == 200
        assert "First word." not in page.text
    editor = one.client(ip="192.0.2.150")
    UserFactory(username="editor-on-one", is_staff=True, is_superuser=True)
    assert editor.admin_login("editor-on-one", PASSWORD).status == 302
    assert approve_through_admin(editor, [comment.pk]).status == 302
    page = reader.get(article.get_absolute_url())
    assert "First word." in page.text
    assert f'id="comment-{comment.pk}"' in page.text


@postgresql_only
def test_recaptcha_unreachable_holds_the_comment(serve):
    article = ArticleFactory()
    server = serve(RECAPTCHA_DOMAIN=f"127.0.0.1:{closed_port()}", workers=1)
    text = "Google is down but my words are not lost."
    response = server.client(ip="203.0.113.30").post(
        post_path(article), comment_data(article, comment=text, email="held@example.net")
    )
    assert response.status == 302, response.text[:500]
    comment = Comment.objects.get(body=text)
    assert comment.status == Comment.Status.PENDING
    assert HoldReason.objects.filter(
        comment=comment, code=HoldReason.Code.CAPTCHA_UNVERIFIED
    ).exists()


@postgresql_only
def test_recaptcha_timing_out_holds_the_comment(serve):
    article = ArticleFactory()
    # A port that accepts connections but never answers.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        server = serve(
            RECAPTCHA_DOMAIN=f"127.0.0.1:{silent.getsockname()[1]}",
            RECAPTCHA_VERIFY_REQUEST_TIMEOUT="2",
            workers=1,
        )
        text = "Google is slow today."
        started = time.monotonic()
        response = server.client(ip="203.0.113.31").post(
            post_path(article), comment_data(article, comment=text, email="slow@example.net")
        )
        assert response.status == 302, response.text[:500]
        assert time.monotonic() - started < 30
    finally:
        silent.close()
    comment = Comment.objects.get(body=text)
    assert comment.status == Comment.Status.PENDING
    assert comment.hold_reasons.filter(code=HoldReason.Code.CAPTCHA_UNVERIFIED).exists()


def _friendly_503(response):
    assert response.status == 503, response.text[:500]
    assert response.headers.get("retry-after") == "30"
    assert "We'll be right back" in response.text or "We&#x27;ll be right back" in response.text
    assert "Traceback" not in response.text
    assert "OperationalError" not in response.text


def test_database_on_a_closed_port_gives_503(serve):
    """No database at all: every page that needs it says so politely."""
    server = serve(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/nowhere",
        PAGE_CACHE_ENABLED="0",
        workers=1,
    )
    client = server.client(ip="203.0.113.40")
    for path in ("/", "/2026/01/anything/", "/tag/politics/"):
        _friendly_503(client.get(path))
    unsaved = client.post("/comments/post/1/", {"comment": "My words <i>stay</i>."})
    _friendly_503(unsaved)
    assert "readonly>My words &lt;i&gt;stay&lt;/i&gt;.</textarea>" in unsaved.text
    _friendly_503(client.post("/admin/login/", {"username": "chief", "password": "x"}))
    # A reader with a session (an editor) gets the same page, not a traceback.
    client.cookies["sessionid"] = "x" * 32
    _friendly_503(client.get("/admin/"))
    _friendly_503(client.get("/"))
    # Static files do not need the database.
    assert client.get("/static/css/site.css").status == 200


@postgresql_only
def test_database_going_away_mid_service_gives_503_then_recovers(serve):
    article = ArticleFactory(title="Outage")
    DiscussionSettings.load()
    server = serve(PAGE_CACHE_ENABLED="0", workers=1, threads=2)
    client = server.client(ip="203.0.113.41")
    assert client.get(article.get_absolute_url()).status == 200
    name = settings.DATABASES["default"]["NAME"]
    quoted = connection.ops.quote_name(name)
    # From the maintenance database: a database cannot close itself to connections.
    with maintenance_connection() as admin:
        admin.execute(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS false")
        try:
            # The server's connections are cut; ours (the test's) is kept.
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> %s",
                [name, connection.connection.info.backend_pid],
            )
            _friendly_503(client.get(article.get_absolute_url()))
            _friendly_503(client.get("/"))
            words = comment_data(article, comment="Posted during the outage.")
            unsaved = client.post(post_path(article), words)
            _friendly_503(unsaved)
            assert "readonly>Posted during the outage.</textarea>" in unsaved.text
        finally:
            admin.execute(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS true")
    assert client.get(article.get_absolute_url()).status == 200
    # Back up: the same words from the same reader go through at once.
    assert client.post(post_path(article), words).status == 302
    assert Comment.objects.filter(body="Posted during the outage.").count() == 1


@postgresql_only
def test_redis_unreachable_pages_and_comments_still_work(serve):
    """Every server's shared cache is gone: readers read, comment and see approvals."""
    article = ArticleFactory(title="Redis is down")
    server = serve(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0", workers=1)
    reader = server.client(ip="203.0.113.60")
    for path in ("/", article.get_absolute_url(), "/feed/"):
        page = reader.get(path)
        assert page.status == 200, (path, page.text[:500])
        assert page.headers.get("x-page-cache") == "unavailable"
    words = comment_data(article, comment="Said while Redis was down.", email="r@example.net")
    assert reader.post(post_path(article), words).status == 302
    comment = Comment.objects.get(body="Said while Redis was down.")
    assert comment.status == Comment.Status.PENDING  # a first comment waits for a moderator
    assert server.client(ip="203.0.113.61").post(post_path(article), words).status == 409

    UserFactory(username="moderator-redis", is_staff=True, is_superuser=True)
    editor = server.client(ip="192.0.2.160")
    assert editor.admin_login("moderator-redis", PASSWORD).status == 302
    assert approve_through_admin(editor, [comment.pk]).status == 302
    assert "Said while Redis was down." in reader.get(article.get_absolute_url()).text
    assert "Traceback" not in server.output()


def maintenance_connection():
    import psycopg

    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        autocommit=True,
    )
