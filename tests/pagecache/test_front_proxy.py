"""
The shipped nginx configuration (deploy/nginx/strategist.conf), for real: the
Debian nginx with libnginx-mod-http-cache-purge in front of gunicorn on the
test database (PostgreSQL) and Redis, both run as the current user in a
temporary folder. Public pages come from nginx's cache and an approval made
through it purges them at once; nothing personal is ever served from it; POSTs
and the admin pass through.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import signing

from comments.cookies import AUTHOR_COOKIE, AUTHOR_SALT, MARKER_COOKIE
from comments.models import Comment
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.security import servers

sys.path.insert(0, str(servers.BASE_DIR / "deploy" / "nginx"))
import render  # noqa: E402 - deploy/nginx/render.py, not a package

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

REDIS_URL = "redis://127.0.0.1:6379/6"
PASSWORD = "correct horse battery staple"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def require_nginx() -> None:
    """Skip (fail under CI=true) when nginx or its cache purge module is missing."""
    missing = [
        what
        for what, path in (("nginx", Path(NGINX)), ("libnginx-mod-http-cache-purge", render.MODULE))
        if not path.exists()
    ]
    if missing:
        message = (
            f"{' and '.join(missing)} not installed: "
            "apt-get install -y nginx libnginx-mod-http-cache-purge (bin/test does, as root)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


class Nginx:
    """nginx with the shipped configuration in ``prefix``, in front of ``upstream``."""

    def __init__(self, prefix: Path, port: int, purge_port: int, upstream: str, static_root: Path):
        self.prefix, self.port, self.purge_port = prefix, port, purge_port
        self.config = render.standalone(
            prefix,
            listen=f"127.0.0.1:{port}",
            purge_listen=f"127.0.0.1:{purge_port}",
            upstream=upstream,
            static_root=str(static_root),
            media_root=str(prefix / "media"),
            server_name="127.0.0.1 localhost",
        )
        self.process = subprocess.Popen(  # noqa: S603 - Debian's nginx, our config
            [NGINX, "-p", str(prefix), "-c", str(self.config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stderr.read().decode()}")
            try:
                servers.HttpClient(port).get("/robots.txt", timeout=2)
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self) -> servers.HttpClient:
        client = servers.HttpClient(self.port)
        client.cookies.clear()  # a new reader: no cookie at all
        return client


@pytest.fixture
def proxy(tmp_path_factory, tmp_path, request):
    """gunicorn (2 workers, Redis) purging the nginx in front of it; returns the Nginx."""
    servers.require_postgresql()
    require_nginx()
    servers.require_redis(REDIS_URL)
    directory = tmp_path_factory.mktemp("front-proxy")
    static_root = servers.collect_static(directory)
    fake = servers.FakeRecaptcha(directory)
    nginx_port, purge_port = servers.free_port(), servers.free_port()
    prefix = f"fronttest-{os.getpid()}-{time.monotonic_ns()}"
    env = servers.server_environment(
        DATABASE_URL=servers.database_url(),
        STATIC_ROOT=str(static_root),
        RECAPTCHA_DOMAIN=fake.domain,
        SSL_CERT_FILE=str(fake.cert),
        TRUSTED_PROXY_COUNT="1",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        SITE_URL=f"http://127.0.0.1:{nginx_port}",
        FRONT_CACHE_NGINX_URL=f"http://127.0.0.1:{purge_port}",
    )
    gunicorn = servers.Gunicorn(env, workers=2, threads=4, log=tmp_path / "gunicorn.log")
    try:
        nginx = Nginx(
            tmp_path / "nginx",
            nginx_port,
            purge_port,
            f"127.0.0.1:{gunicorn.port}",
            static_root,
        )
    except Exception:
        gunicorn.stop()
        fake.stop()
        raise
    yield nginx
    nginx.stop()
    gunicorn.stop()
    fake.stop()
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)
    if "Traceback" in gunicorn.output():
        print(gunicorn.output())  # noqa: T201


def comment_count(page_text: str, article) -> int:
    found = re.search(
        rf'href="{re.escape(article.get_absolute_url())}#comments">(\d+) comments?<', page_text
    )
    return int(found.group(1)) if found else 0


def test_public_pages_come_from_nginx_and_an_approval_shows_within_a_second(proxy):
    article = ArticleFactory(title="Through the proxy")
    CommentFactory(article=article, status=Comment.Status.APPROVED)
    pending = CommentFactory(article=article, status=Comment.Status.PENDING)
    UserFactory(username="editor", password=PASSWORD, is_staff=True, is_superuser=True)

    first = proxy.client().get("/")
    second = proxy.client().get("/")
    assert first.status == second.status == 200
    assert first.headers["x-cache-status"] == "MISS"
    assert second.headers["x-cache-status"] == "HIT"
    assert comment_count(second.text, article) == 1
    # Static files come from disk, not through the site.
    css = re.search(r'href="(/static/[^"]+\.css)"', second.text).group(1)
    static = proxy.client().get(css)
    assert static.status == 200
    assert "x-cache-status" not in static.headers  # every proxied answer has one

    # The moderator logs in and approves through nginx: POSTs and /admin/ pass.
    editor = proxy.client()
    assert editor.get("/admin/login/").status == 200
    assert editor.admin_login("editor", PASSWORD).status == 302
    assert editor.get("/admin/").headers["x-cache-status"] == "BYPASS"
    approved = editor.post(
        "/admin/comments/comment/?status=all",
        [("action", "approve"), ("_selected_action", str(pending.pk))],
    )
    assert approved.status == 302
    approved_at = time.monotonic()
    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED

    # The purge reaches nginx: the new count within a second, then cached again.
    while True:
        page = proxy.client().get("/")
        if comment_count(page.text, article) == 2:
            break
        assert time.monotonic() - approved_at < 1, "the approval is not visible through nginx"
        time.sleep(0.05)
    assert time.monotonic() - approved_at < 1
    assert proxy.client().get("/").headers["x-cache-status"] == "HIT"


def test_nothing_personal_is_served_from_nginx(proxy):
    article = ArticleFactory(title="Personal pages")
    path = article.get_absolute_url()
    UserFactory(username="editor", password=PASSWORD, is_staff=True, is_superuser=True)
    # The article page, form included, is the same for every reader: nginx keeps it.
    pages = [proxy.client().get(path) for _ in range(3)]
    assert all(r.status == 200 for r in pages)
    assert pages[-1].headers["x-cache-status"] == "HIT"
    assert "public" in pages[0].headers["cache-control"]
    assert "csrfmiddlewaretoken" not in pages[0].text
    assert len({r.text for r in pages}) == 1

    # Two readers with saved names get that page; each gets their own details from
    # the personal request, never the other's, and never from nginx's cache.
    def reader(name: str) -> servers.HttpClient:
        client = proxy.client()
        value = f'{{"author": "{name}", "email": "{name.lower()}@example.net", "url": ""}}'
        signer = signing.get_cookie_signer(salt=AUTHOR_COOKIE + AUTHOR_SALT)
        client.cookies[AUTHOR_COOKIE] = signer.sign(value)
        client.cookies[MARKER_COOKIE] = "1"
        return client

    anna, boris = reader("Anna"), reader("Boris")
    for _ in range(2):
        for client, own, other in ((anna, "Anna", "Boris"), (boris, "Boris", "Anna")):
            page = client.get(path)
            assert page.status == 200
            assert page.headers["x-cache-status"] == "HIT"
            assert own not in page.text and other not in page.text
            mine = client.get(f"/comments/personal/{article.pk}/")
            assert mine.status == 200
            assert mine.headers["x-cache-status"] != "HIT"
            assert "no-store" in mine.headers["cache-control"]
            assert json.loads(mine.text)["author"]["author"] == own
            assert other not in mine.text
    # A reader without the cookies asking the same address gets nothing personal.
    assert json.loads(proxy.client().get(f"/comments/personal/{article.pk}/").text) == {
        "author": None,
        "comments": [],
    }
    # A signed-in editor (a session) always passes through, never stored.
    editor = proxy.client()
    assert editor.get("/admin/login/").status == 200
    assert editor.admin_login("editor", PASSWORD).status == 302
    for url in (path, "/"):
        page = editor.get(url)
        assert page.headers["x-cache-status"] == "BYPASS"
        assert "private" in page.headers["cache-control"]
    assert proxy.client().get("/").headers["x-cache-status"] in ("MISS", "HIT")


def test_comment_posts_and_purges_from_elsewhere_pass_or_are_refused(proxy):
    article = ArticleFactory(title="Posting through the proxy")
    reader = servers.HttpClient(proxy.port)  # carries a CSRF cookie, like a browser
    assert reader.get(article.get_absolute_url()).status == 200
    posted = reader.post(
        f"/comments/post/{article.pk}/",
        comment_data(article, comment="Posted through nginx, held or shown."),
    )
    assert posted.status in (200, 302)
    assert posted.headers.get("x-cache-status") != "HIT"
    assert Comment.objects.filter(body__contains="Posted through nginx").exists()
    # A post another website makes a reader's browser send is refused, text kept.
    forged = reader.post(
        f"/comments/post/{article.pk}/",
        comment_data(article, comment="Forged through nginx."),
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert forged.status == 403
    assert "Forged through nginx." in forged.text
    assert not Comment.objects.filter(body__contains="Forged through nginx").exists()

    # PURGE is for the site only (127.0.0.1 here): refused from any other address.
    def purge(source: str) -> int:
        connection = http.client.HTTPConnection(
            "127.0.0.1", proxy.purge_port, timeout=10, source_address=(source, 0)
        )
        try:
            connection.request(
                "PURGE", "/", headers={"X-Forwarded-Proto": "http", "X-Forwarded-For": "127.0.0.1"}
            )
            return connection.getresponse().status
        finally:
            connection.close()

    assert purge("127.0.0.1") in (200, 404)
    assert purge("127.0.0.2") == 403
    # The readers' listener takes no PURGE at all.
    assert proxy.client().request("PURGE", "/").status == 405
