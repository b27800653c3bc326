"""
Generation counters: each stored page records the counters it was rendered
under, and is served only while they keep those values.

A page depends on the ``site`` counter (any change), on one counter per scope
it names, and optionally on its own page's counter. A bump gives a counter a
new random value (no read, no increment: two servers bumping at once cannot
make a value repeat). Inside a transaction, bumps are collected and applied
once when it commits; a page rendered before that from the old rows was
stored under the old values, so it is dropped by the bump.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone

from pagecache import frontends
from pagecache.backends import CACHE_ERRORS
from pagecache.registry import next_change

logger = logging.getLogger(__name__)

PREFIX = "pagecache"
SITE = f"{PREFIX}:gen:site"

_pending = threading.local()


def scope_key(scope: str) -> str:
    return f"{PREFIX}:gen:scope:{scope}"


PAGE_PREFIX = f"{PREFIX}:gen:page:"


def page_key(path: str) -> str:
    digest = hashlib.sha256(path.encode()).hexdigest()
    return f"{PAGE_PREFIX}{digest}"


def next_change_key(site_generation: int) -> str:
    return f"{PREFIX}:next:{site_generation}"


def _new_value() -> int:
    return secrets.randbits(62)


def current(keys: list[str], also: Iterable[str] = ()) -> tuple[list[int], dict]:
    """
    The counters for ``keys`` (created when missing) and, in the same round
    trip to the cache, the values of the keys in ``also``.
    """
    values = cache.get_many([*keys, *also])
    missing = [key for key in keys if key not in values]
    if missing:
        for key in missing:
            cache.add(key, _new_value(), timeout=None)
        values.update(cache.get_many(missing))
    return [values.get(key, 0) for key in keys], values


def invalidate(*scopes: str, pages: Iterable[str] = ()) -> None:
    """
    The pages depending on these scopes, and the pages at these paths, have
    changed: stop serving them (when the current transaction commits).
    """
    pages = set(pages)
    keys = {scope_key(scope) for scope in scopes} | {page_key(path) for path in pages}
    _bump(keys, pages)


def invalidate_all() -> None:
    """Something any page may show has changed."""
    _bump({SITE})


def _bump(keys: set[str], pages: Iterable[str] = ()) -> None:
    if not keys or not settings.PAGE_CACHE_ENABLED:
        return
    in_transaction = [alias for alias in connections if connections[alias].in_atomic_block]
    if not in_transaction:
        _apply(keys)
        _purge_front_caches(keys, set(pages))
        return
    for alias in in_transaction:
        batch_keys, batch_pages = _batches().setdefault(alias, (set(), set()))
        batch_keys.update(keys)
        batch_pages.update(pages)
        # One callback per call: a rolled-back transaction drops its callbacks,
        # and the first callback to run at a commit applies the whole batch.
        transaction.on_commit(lambda alias=alias: _flush(alias), using=alias)


def _batches() -> dict[str, tuple[set[str], set[str]]]:
    if not hasattr(_pending, "batches"):
        _pending.batches = {}
    return _pending.batches


def _flush(alias: str) -> None:
    batch = _batches().pop(alias, None)
    if batch:
        keys, pages = batch
        _apply(keys)
        _purge_front_caches(keys, pages)


def _purge_front_caches(keys: set[str], pages: set[str]) -> None:
    """
    After the counters changed, front caches (a proxy, a CDN), in the
    background: the pages at these paths, or every page when the site or a
    scope changed.
    """
    frontends.purge(pages, everything=any(not key.startswith(PAGE_PREFIX) for key in keys))


def _apply(keys: set[str]) -> None:
    values = {key: _new_value() for key in keys}
    try:
        cache.set_many(values, timeout=None)
        if SITE in values:
            # Work out now, while saving, when pages next change by themselves,
            # so that readers' requests need no query for it.
            remember_next_change(values[SITE], timezone.now())
    except CACHE_ERRORS as exc:
        # Saving must not fail because the cache is away: the pages this should
        # have dropped expire within PAGE_CACHE_SECONDS if it comes back.
        logger.error("Cache unreachable, pages not invalidated (%s): %s", ", ".join(keys), exc)


def remember_next_change(site_generation: int, now: datetime) -> float:
    """Store (and return) the next change as a timestamp, 0 for never."""
    moment = next_change(now)
    stored = moment.timestamp() if moment else 0
    ttl = settings.PAGE_CACHE_SECONDS
    if stored:
        ttl = max(1, min(ttl, int(stored - now.timestamp())))
    cache.set(next_change_key(site_generation), stored, ttl)
    return stored


def lifetime(site_generation: int) -> int:
    """Seconds a page rendered now may be kept (0: don't keep it)."""
    now = timezone.now()
    stored = cache.get(next_change_key(site_generation))
    if stored is None or (stored and stored <= now.timestamp()):
        stored = remember_next_change(site_generation, now)
    seconds = settings.PAGE_CACHE_SECONDS
    if stored:
        seconds = min(seconds, int(stored - now.timestamp()))
    return max(seconds, 0)
