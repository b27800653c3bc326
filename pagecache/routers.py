"""
Reads from a replica, writes to the primary, and read-your-own-writes.

``PrimaryReplicaRouter`` is installed when ``DATABASE_REPLICA_URL`` is set. It
sends reads to the ``replica`` alias except while the current request is
pinned to the primary: ``ReplicaPinMiddleware`` pins every request that is not
a GET, HEAD or OPTIONS, and every request for ``REPLICA_PIN_SECONDS`` after
one, through a cookie. A reader who has just posted a comment therefore reads
it back from the primary even when the replica lags behind. Reads inside a
transaction on the primary stay there too, and so does any code running under
``pinned_to_primary()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "primary_pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_pinned: ContextVar[bool] = ContextVar("strategist_pinned_to_primary", default=False)


def is_pinned() -> bool:
    """True when reads must go to the primary in the current context."""
    return _pinned.get()


def pin() -> Token[bool]:
    """Send reads to the primary until unpin() is called with the returned token."""
    return _pinned.set(True)


def unpin(token: Token[bool]) -> None:
    _pinned.reset(token)


@contextmanager
def pinned_to_primary() -> Iterator[None]:
    """Send every read made inside the block to the primary."""
    token = pin()
    try:
        yield
    finally:
        unpin(token)


class PrimaryReplicaRouter:
    """Reads from ``replica`` unless pinned; writes and migrations on ``default``."""

    def db_for_read(self, model, **hints) -> str:
        if REPLICA not in connections.settings or is_pinned():
            return PRIMARY
        if model._meta.app_label == "django_cache":
            # Django's database cache: the page cache's counters must not lag.
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same data.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY


class ReplicaPinMiddleware:
    """
    Pin a request to the primary when it changes something, and the same
    client's requests for ``REPLICA_PIN_SECONDS`` after it (a cookie, which
    also keeps those requests out of the shared page cache).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writes = request.method not in SAFE_METHODS
        token = _pinned.set(writes or PIN_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        seconds = getattr(settings, "REPLICA_PIN_SECONDS", 0)
        if writes and seconds > 0 and REPLICA in connections.settings:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=seconds,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response
