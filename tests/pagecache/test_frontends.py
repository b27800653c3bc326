"""
Front caches purged when pages change (pagecache.frontends): every backend
against a local stand-in HTTP server on 127.0.0.1, with the exact requests it
receives; a stand-in that hangs or fails never breaks the change.
"""

import json
import logging
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import Client

import pagecache
from comments.models import Comment
from pagecache import frontends
from tests.factories import CommentFactory

# Changes commit for real: purges follow commits.
pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://news.example.org"
CLOUDFRONT_REPLY = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
<Id>I2J0I21PCUYOIK</Id><Status>InProgress</Status><CreateTime>2026-01-01T00:00:00Z</CreateTime>
<InvalidationBatch><Paths><Quantity>1</Quantity><Items><Path>/*</Path></Items></Paths>
<CallerReference>ref</CallerReference></InvalidationBatch></Invalidation>"""


class StandIn:
    """An HTTP server recording every request; answers ``status`` after ``delay`` s."""

    def __init__(self, status=200, body=b"", delay=0.0):
        self.status, self.body, self.delay = status, body, delay
        self.requests: list[dict] = []
        self.released = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                stand_in.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                if stand_in.delay:
                    stand_in.released.wait(stand_in.delay)
                self.send_response(stand_in.status)
                self.send_header("Content-Length", str(len(stand_in.body)))
                self.end_headers()
                self.wfile.write(stand_in.body)

            do_GET = do_POST = do_PURGE = do_BAN = _answer  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in():
    made = []

    def make(**kwargs):
        server = StandIn(**kwargs)
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()


@pytest.fixture
def front(settings):
    """Configure FRONT_CACHES: ``front(name=params, ...)``."""
    settings.SITE_URL = SITE
    settings.FRONT_CACHE_SITE_URL = ""
    settings.FRONT_CACHE_TIMEOUT = 2.0
    settings.FRONT_CACHE_REPURGE_SECONDS = 0

    def configure(**caches):
        settings.FRONT_CACHES = caches

    yield configure
    assert frontends.wait_until_idle(10)


def summary(request):
    headers = request["headers"]
    return (request["method"], request["path"], headers.get("Host"))


def test_a_page_change_purges_its_address_and_remembered_variants_from_nginx(
    front, stand_in, article
):
    nginx = stand_in()
    front(nginx={"BACKEND": "pagecache.frontends.NginxBackend", "LOCATION": nginx.url})
    # Public responses a front cache may keep are remembered, with their query.
    for url in ("/", "/?page=1", "/feed/"):
        assert Client().get(url)["Cache-Control"].startswith("public")
    with transaction.atomic():
        pagecache.invalidate(pages=["/", article.get_absolute_url()])
        assert frontends.wait_until_idle(1)
        assert nginx.requests == [], "nothing is sent before the transaction commits"
    assert frontends.wait_until_idle(10)
    # The article page is private today (its form's CSRF token), so never
    # remembered; it is still purged by its address.
    sent = sorted(summary(request) for request in nginx.requests)
    assert sent == sorted(
        [
            ("PURGE", "/", "news.example.org"),
            ("PURGE", "/?page=1", "news.example.org"),
            ("PURGE", article.get_absolute_url(), "news.example.org"),
        ]
    )
    assert all(r["headers"]["X-Forwarded-Proto"] == "https" for r in nginx.requests)


def test_a_site_change_purges_every_remembered_address_from_nginx(front, stand_in, article):
    nginx = stand_in()
    front(nginx={"BACKEND": "pagecache.frontends.NginxBackend", "LOCATION": nginx.url})
    for url in ("/", "/?page=1", "/feed/", "/", "/?utm_source=x"):
        assert Client().get(url)["Cache-Control"].startswith("public")
    assert frontends.remembered() == ["/", "/?page=1", "/?utm_source=x", "/feed/"]
    pagecache.invalidate("comments")
    assert frontends.wait_until_idle(10)
    assert sorted(summary(r) for r in nginx.requests) == [
        ("PURGE", "/", "news.example.org"),
        ("PURGE", "/?page=1", "news.example.org"),
        ("PURGE", "/?utm_source=x", "news.example.org"),
        ("PURGE", "/feed/", "news.example.org"),
    ]
    # Purged addresses are forgotten until served again.
    assert frontends.remembered() == []


def test_personal_and_private_responses_are_not_remembered(front, stand_in, article):
    nginx = stand_in()
    front(nginx={"BACKEND": "pagecache.frontends.NginxBackend", "LOCATION": nginx.url})
    client = Client()
    client.cookies["sessionid"] = "someone"
    assert client.get("/")["Cache-Control"] == "private"
    # The personal request of a returning commenter is private, no-store.
    client.cookies["comment_author"] = "someone"
    assert "no-store" in client.get(f"/comments/personal/{article.pk}/")["Cache-Control"]
    assert frontends.remembered() == []


def test_varnish_gets_purge_per_page_and_ban_for_everything(front, stand_in):
    varnish = stand_in()
    front(varnish={"BACKEND": "pagecache.frontends.VarnishBackend", "LOCATION": varnish.url})
    pagecache.invalidate(pages=["/2026/01/02/a-page/"])
    assert frontends.wait_until_idle(10)
    pagecache.invalidate_all()
    assert frontends.wait_until_idle(10)
    assert [summary(r) for r in varnish.requests] == [
        ("PURGE", "/2026/01/02/a-page/", "news.example.org"),
        ("BAN", "/", "news.example.org"),
    ]
    assert varnish.requests[1]["headers"]["X-Ban-Host"] == "news.example.org"


def test_cloudflare_purges_files_in_batches_of_30_and_everything(front, stand_in):
    api = stand_in(body=b'{"success": true, "errors": [], "result": {"id": "x"}}')
    front(
        cloudflare={
            "BACKEND": "pagecache.frontends.CloudflareBackend",
            "API_URL": f"{api.url}/client/v4",
            "ZONE_ID": "zone123",
            "API_TOKEN": "token-abc",
        }
    )
    paths = [f"/a/{n:02}/" for n in range(31)]
    pagecache.invalidate(pages=paths)
    assert frontends.wait_until_idle(10)
    pagecache.invalidate_all()
    assert frontends.wait_until_idle(10)
    assert [(r["method"], r["path"]) for r in api.requests] == [
        ("POST", "/client/v4/zones/zone123/purge_cache")
    ] * 3
    for request in api.requests:
        assert request["headers"]["Authorization"] == "Bearer token-abc"
        assert request["headers"]["Content-Type"] == "application/json"
    bodies = [json.loads(r["body"]) for r in api.requests]
    assert bodies == [
        {"files": [f"{SITE}{p}" for p in paths[:30]]},
        {"files": [f"{SITE}{p}" for p in paths[30:]]},
        {"purge_everything": True},
    ]


def test_cloudflare_refusal_is_logged(front, stand_in, caplog):
    api = stand_in(body=b'{"success": false, "errors": [{"code": 10000}]}')
    front(
        cloudflare={
            "BACKEND": "pagecache.frontends.CloudflareBackend",
            "API_URL": f"{api.url}/client/v4",
            "ZONE_ID": "z",
            "API_TOKEN": "t",
        }
    )
    with caplog.at_level(logging.ERROR, logger="pagecache.frontends"):
        frontends.run_purge([], everything=True)
    assert "Cloudflare refused the purge" in caplog.text


def test_cloudfront_creates_one_invalidation_per_purge(front, stand_in, monkeypatch):
    pytest.importorskip("boto3", reason="boto3 is the cloudfront extra (in the test extra)")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    api = stand_in(status=201, body=CLOUDFRONT_REPLY)
    front(
        cloudfront={
            "BACKEND": "pagecache.frontends.CloudFrontBackend",
            "ENDPOINT_URL": api.url,
            "DISTRIBUTION_ID": "E2EXAMPLE",
        }
    )
    pagecache.invalidate(pages=["/b/", "/a/"])
    assert frontends.wait_until_idle(10)
    pagecache.invalidate("comments", pages=["/a/"])
    assert frontends.wait_until_idle(10)
    assert [(r["method"], r["path"]) for r in api.requests] == [
        ("POST", "/2020-05-31/distribution/E2EXAMPLE/invalidation")
    ] * 2
    namespace = {"cf": "http://cloudfront.amazonaws.com/doc/2020-05-31/"}
    sent = []
    for request in api.requests:
        assert request["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 ")
        batch = ET.fromstring(request["body"])  # noqa: S314 - our own request
        items = [p.text for p in batch.findall("cf:Paths/cf:Items/cf:Path", namespace)]
        quantity = batch.find("cf:Paths/cf:Quantity", namespace).text
        assert batch.find("cf:CallerReference", namespace).text
        sent.append((quantity, items))
    assert sent == [("2", ["/a/", "/b/"]), ("1", ["/*"])]


@pytest.mark.parametrize(("status", "delay"), [(500, 0.0), (200, 30.0)])
def test_a_failing_or_hanging_front_cache_never_breaks_the_change(
    front, stand_in, admin_client, article, status, delay, caplog, settings
):
    """The moderator's approval (committed) answers at once; the purge fails in the background."""
    slow = stand_in(status=status, delay=delay)
    front(nginx={"BACKEND": "pagecache.frontends.NginxBackend", "LOCATION": slow.url})
    settings.FRONT_CACHE_TIMEOUT = 0.5
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    with caplog.at_level(logging.ERROR, logger="pagecache.frontends"):
        started = time.monotonic()
        response = admin_client.post(
            "/admin/comments/comment/?status=pending",
            {"action": "approve", "_selected_action": [comment.pk], "index": 0},
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        assert frontends.wait_until_idle(5)
    # The approval did not wait for the purge (which waits 0.5 s when hung).
    assert elapsed < 0.5
    assert slow.requests and slow.requests[0]["method"] == "PURGE"
    assert "Front cache 'nginx': purge failed" in caplog.text


def test_without_front_caches_nothing_is_queued(settings):
    settings.FRONT_CACHES = {}
    frontends.purge(["/x/"], everything=True)
    assert frontends._purger.jobs == []


def test_a_purge_is_sent_again_after_the_repeat_delay(front, stand_in, settings):
    """A response rendered just before the commit may be stored after the first purge."""
    varnish = stand_in()
    front(varnish={"BACKEND": "pagecache.frontends.VarnishBackend", "LOCATION": varnish.url})
    settings.FRONT_CACHE_REPURGE_SECONDS = 0.2
    frontends.purge(["/p/"])
    assert frontends.wait_until_idle(5)
    assert [summary(r) for r in varnish.requests] == [("PURGE", "/p/", "news.example.org")] * 2


def test_remembered_addresses_are_purged_by_both_purges_then_forgotten(
    front, stand_in, settings, article
):
    nginx = stand_in()
    front(nginx={"BACKEND": "pagecache.frontends.NginxBackend", "LOCATION": nginx.url})
    settings.FRONT_CACHE_REPURGE_SECONDS = 0.2
    assert Client().get("/")["Cache-Control"].startswith("public")
    pagecache.invalidate_all()
    assert frontends.wait_until_idle(5)
    assert [summary(r) for r in nginx.requests] == [("PURGE", "/", "news.example.org")] * 2
    assert frontends.remembered() == []
