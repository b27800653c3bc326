"""
Purging front caches (a proxy or CDN in front of the site) when pages change,
as ``wagtail.contrib.frontend_cache`` does.

``settings.FRONT_CACHES`` names the caches (empty: nothing to purge), each a
dict with ``BACKEND`` (a class path) and its options::

    {"nginx": {"BACKEND": "pagecache.frontends.NginxBackend", "LOCATION": "http://127.0.0.1"}}

When the page cache's generation counters change (pagecache.generations, after
the transaction commits), ``purge(paths, everything)`` purges the pages at
those paths (and their query-string variants, e.g. comment pages, where the
backend can), or every page after a site or scope change. Purges run in a
background thread of the process: never inside the request that changed the
data, each HTTP call limited to ``FRONT_CACHE_TIMEOUT`` seconds, failures
logged and never raised. Because a response rendered just before the commit
may reach the front cache just after the purge, every purge is sent again
``FRONT_CACHE_REPURGE_SECONDS`` later (0: never).

nginx's ``proxy_cache_purge`` (Debian's libnginx-mod-http-cache-purge, version
2.3) purges one exact cache key at a time and cannot purge "everything". For
such backends the page cache remembers the addresses of the public responses it
sends (``served()``, in Django's cache, spread over URL_SHARDS keys), and
"everything" means every remembered address.
"""

from __future__ import annotations

import hashlib
import heapq
import http.client
import itertools
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from pagecache.backends import CACHE_ERRORS

logger = logging.getLogger(__name__)

URL_SHARDS = 32
# Addresses remembered per shard at most (the oldest are forgotten first).
URL_SHARD_LIMIT = 2000
URLS_KEY = "pagecache:front:urls:{}"
# Cloudflare accepts at most 30 files per purge_cache call.
CLOUDFLARE_BATCH = 30


class PurgeError(Exception):
    """A front cache refused or failed a purge."""


class FrontCacheBackend:
    """A front cache: ``purge(urls)`` (absolute addresses) and ``purge_all()``."""

    can_purge_all = True

    def __init__(self, params: dict):
        self.params = params
        self.timeout = float(params.get("TIMEOUT", settings.FRONT_CACHE_TIMEOUT))

    def purge(self, urls: list[str]) -> None:
        raise NotImplementedError

    def purge_all(self) -> None:
        raise NotImplementedError

    def _send(
        self,
        location: str,
        requests: Iterable[tuple[str, str, dict[str, str], bytes | None]],
        ok: Iterable[int] = (200, 201, 202, 204),
    ) -> list[tuple[int, bytes]]:
        """
        Send (method, path, headers, body) requests over one connection to
        ``location``; raise PurgeError on a status not in ``ok`` (404 is fine
        for a purge: nothing was cached).
        """
        parts = urlsplit(location)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.netloc, timeout=self.timeout)
        answers = []
        try:
            for method, path, headers, body in requests:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                if response.status not in ok:
                    raise PurgeError(f"{method} {path}: {response.status} {content[:200]!r}")
                answers.append((response.status, content))
        finally:
            connection.close()
        return answers


class _ProxyBackend(FrontCacheBackend):
    """A proxy purged with ``PURGE <path>`` sent to LOCATION, Host: the page's host."""

    def purge(self, urls: list[str]) -> None:
        requests = []
        for url in urls:
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            headers = {"Host": parts.netloc, "X-Forwarded-Proto": parts.scheme}
            requests.append(("PURGE", path, headers, None))
        if requests:
            self._send(self.params["LOCATION"], requests, ok=(200, 204, 404))


class NginxBackend(_ProxyBackend):
    """
    nginx with ``proxy_cache_purge`` (deploy/nginx/strategist.conf): PURGE per
    address; "everything" is every address the page cache remembers sending.
    """

    can_purge_all = False


class VarnishBackend(_ProxyBackend):
    """
    Varnish: PURGE per address, and ``BAN /`` with ``X-Ban-Host`` for
    everything (the VCL in docs/caching.md turns it into ``ban()``).
    """

    def purge_all(self) -> None:
        host = urlsplit(self.params.get("SITE_URL") or settings.SITE_URL).netloc
        headers = {"Host": host, "X-Ban-Host": host.split(":")[0]}
        self._send(self.params["LOCATION"], [("BAN", "/", headers, None)], ok=(200, 204))


class CloudflareBackend(FrontCacheBackend):
    """Cloudflare's API: purge_cache by files (30 a call) or purge_everything."""

    def _call(self, payload: dict) -> None:
        base = self.params.get("API_URL", "https://api.cloudflare.com/client/v4")
        parts = urlsplit(base)
        path = f"{parts.path.rstrip('/')}/zones/{self.params['ZONE_ID']}/purge_cache"
        headers = {
            "Authorization": f"Bearer {self.params['API_TOKEN']}",
            "Content-Type": "application/json",
        }
        [(_, content)] = self._send(
            f"{parts.scheme}://{parts.netloc}",
            [("POST", path, headers, json.dumps(payload).encode())],
            ok=(200,),
        )
        answer = json.loads(content or b"{}")
        if not answer.get("success"):
            raise PurgeError(f"Cloudflare refused the purge: {answer.get('errors')}")

    def purge(self, urls: list[str]) -> None:
        for start in range(0, len(urls), CLOUDFLARE_BATCH):
            self._call({"files": urls[start : start + CLOUDFLARE_BATCH]})

    def purge_all(self) -> None:
        self._call({"purge_everything": True})


class CloudFrontBackend(FrontCacheBackend):
    """
    Amazon CloudFront: one invalidation per purge (``/*`` for everything),
    through boto3 (``pip install "strategist[cloudfront]"``). Credentials as
    boto3 finds them (environment, IAM role); ENDPOINT_URL for tests.
    """

    def _client(self):
        import boto3
        from botocore.config import Config

        config = Config(
            connect_timeout=self.timeout, read_timeout=self.timeout, retries={"max_attempts": 1}
        )
        return boto3.client(
            "cloudfront",
            endpoint_url=self.params.get("ENDPOINT_URL"),
            region_name=self.params.get("REGION", "us-east-1"),
            config=config,
        )

    def _invalidate(self, paths: list[str]) -> None:
        self._client().create_invalidation(
            DistributionId=self.params["DISTRIBUTION_ID"],
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": paths},
                "CallerReference": uuid.uuid4().hex,
            },
        )

    def purge(self, urls: list[str]) -> None:
        paths = sorted({urlsplit(url).path or "/" for url in urls})
        if paths:
            self._invalidate(paths)

    def purge_all(self) -> None:
        self._invalidate(["/*"])


def backends() -> dict[str, FrontCacheBackend]:
    """The configured front caches, built from settings.FRONT_CACHES."""
    return {
        name: import_string(params["BACKEND"])(params)
        for name, params in settings.FRONT_CACHES.items()
    }


def _site_url() -> str:
    return (getattr(settings, "FRONT_CACHE_SITE_URL", "") or settings.SITE_URL).rstrip("/")


def _needs_addresses() -> bool:
    return any(
        not import_string(params["BACKEND"]).can_purge_all
        for params in settings.FRONT_CACHES.values()
    )


# The addresses of public responses (for backends that cannot purge everything).


def _shard(path: str) -> str:
    number = int(hashlib.sha256(path.encode()).hexdigest()[:8], 16) % URL_SHARDS
    return URLS_KEY.format(number)


def served(request: HttpRequest, response: HttpResponse) -> None:
    """Remember the address of a public response a front cache may keep."""
    if not settings.FRONT_CACHES or "public" not in response.get("Cache-Control", ""):
        return
    if not _needs_addresses():
        return
    path = request.get_full_path()
    key = _shard(path)
    try:
        known = cache.get(key) or {}
        if path in known:
            return
        known[path] = None
        while len(known) > URL_SHARD_LIMIT:
            known.pop(next(iter(known)))
        cache.set(key, known, None)
    except CACHE_ERRORS as exc:
        logger.error("Cache unreachable, front-cache address not remembered: %s", exc)


def remembered(paths: Iterable[str] | None = None) -> list[str]:
    """
    Remembered addresses: all of them (``paths`` None), or those whose path
    is one of ``paths`` (with any query string).
    """
    keys = [URLS_KEY.format(number) for number in range(URL_SHARDS)]
    found = []
    for known in cache.get_many(keys).values():
        found.extend(known)
    if paths is None:
        return sorted(found)
    wanted = set(paths)
    return sorted(path for path in found if path.split("?", 1)[0] in wanted)


def _forget_all() -> None:
    cache.delete_many([URLS_KEY.format(number) for number in range(URL_SHARDS)])


# Purging, in a background thread.


@dataclass(order=True)
class _Job:
    due: float
    order: int
    paths: frozenset[str] = field(compare=False)
    everything: bool = field(compare=False)
    repeat: bool = field(compare=False)


class _Purger:
    """One daemon thread per process running purges when they are due."""

    def __init__(self):
        self.jobs: list[_Job] = []
        self.condition = threading.Condition()
        self.counter = itertools.count()
        self.thread: threading.Thread | None = None
        self.busy = 0

    def add(self, paths: frozenset[str], everything: bool, delay: float, repeat: bool) -> None:
        with self.condition:
            job = _Job(time.monotonic() + delay, next(self.counter), paths, everything, repeat)
            heapq.heappush(self.jobs, job)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name="front-cache-purger", daemon=True
                )
                self.thread.start()
            self.condition.notify()

    def _due(self) -> list[_Job]:
        """Wait for the jobs that are due (all of them, merged by the caller)."""
        with self.condition:
            while True:
                now = time.monotonic()
                if self.jobs and self.jobs[0].due <= now:
                    due = []
                    while self.jobs and self.jobs[0].due <= now:
                        due.append(heapq.heappop(self.jobs))
                    self.busy += 1
                    return due
                self.condition.wait(self.jobs[0].due - now if self.jobs else None)

    def _run(self) -> None:
        while True:
            due = self._due()
            try:
                everything = any(job.everything for job in due)
                paths = frozenset().union(*(job.paths for job in due))
                repeat = settings.FRONT_CACHE_REPURGE_SECONDS
                again = repeat > 0 and any(job.repeat for job in due)
                # Remembered addresses are forgotten by the last purge only: one
                # stored just after the first purge must be purged by the second.
                run_purge(paths, everything, forget=not again)
                if again:
                    self.add(paths, everything, repeat, repeat=False)
            except Exception:  # a purge must never stop the thread
                logger.exception("Front cache purge failed")
            finally:
                # The database cache may have opened this thread's own connection.
                connections.close_all()
                with self.condition:
                    self.busy -= 1
                    self.condition.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait for every purge due within ``timeout`` seconds (tests)."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while self.busy or (self.jobs and self.jobs[0].due <= deadline):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.condition.wait(min(remaining, 0.05))
        return True


_purger = _Purger()


def purge(paths: Iterable[str], everything: bool = False) -> None:
    """
    Purge these page paths (or every page) from the front caches, in the
    background; does nothing without FRONT_CACHES.
    """
    if not settings.FRONT_CACHES:
        return
    _purger.add(frozenset(paths), everything, 0, repeat=True)


def wait_until_idle(timeout: float = 5) -> bool:
    """Block until the background purges due within ``timeout`` have run."""
    return _purger.wait_until_idle(timeout)


def run_purge(paths: Iterable[str], everything: bool, forget: bool = True) -> None:
    """
    Purge now, in this thread: every backend tried, each failure logged. After
    "everything", the remembered addresses are forgotten (``forget``) until
    served again.
    """
    paths = sorted(set(paths))
    site = _site_url()
    addresses: list[str] | None = None
    if any(not backend.can_purge_all for backend in backends().values()):
        try:
            addresses = remembered(None if everything else paths)
            if everything and forget:
                _forget_all()
        except CACHE_ERRORS as exc:
            logger.error("Cache unreachable, remembered front-cache addresses unread: %s", exc)
            addresses = []
    for name, backend in backends().items():
        try:
            if everything and backend.can_purge_all:
                backend.purge_all()
            else:
                wanted = set(addresses or []) | set(paths)
                if wanted:
                    backend.purge([f"{site}{path}" for path in sorted(wanted)])
        except Exception as exc:  # logged, never raised into a request
            logger.error("Front cache %r: purge failed: %s", name, exc)
