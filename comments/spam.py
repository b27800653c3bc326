"""
Abuse checks for new comments: a honeypot field, a signed form timestamp,
flood control and duplicate detection.

The flood and duplicate counters live in Django's cache and are claimed with
``cache.add``, which is atomic, so they hold across processes and servers
whenever the cache is shared (REDIS_URL). While that cache cannot be reached,
comments are still taken: duplicates are found in the database alone and the
flood limit waits for the cache to come back.
"""

import contextlib
import hashlib
import logging
import math
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from comments.models import Comment, HoldReason
from pagecache.backends import CACHE_ERRORS

logger = logging.getLogger(__name__)

TIMESTAMP_SALT = "comments.form-timestamp"
# What comments.js sends when the timestamp request failed or took too long.
TIMESTAMP_UNAVAILABLE = "unavailable"
DUPLICATE_SECONDS = 24 * 60 * 60


def flood_seconds() -> int:
    """One comment per this many seconds per IP address (settings.COMMENTS_FLOOD_SECONDS)."""
    return settings.COMMENTS_FLOOD_SECONDS


def min_seconds() -> float:
    """A person needs at least this long to read, type and press "Post Comment"."""
    return settings.COMMENTS_MIN_SECONDS_TO_POST


def sign_timestamp(article_id: int | str, now: float | None = None) -> str:
    """The form's hidden timestamp for an article (or a page: models.target_key())."""
    return signing.dumps(
        [article_id, int(now if now is not None else time.time())], salt=TIMESTAMP_SALT
    )


def timestamp_signals(value: str, article_id: int | str, now: float | None = None):
    """
    Reasons to treat the post as spam from its signed timestamp, as (code,
    detail) pairs. TIMESTAMP_UNAVAILABLE (comments.js could not fetch one)
    is a reason to hold the comment, not spam: the reader is not lost to a
    network error.
    """
    if value == TIMESTAMP_UNAVAILABLE:
        return [(HoldReason.Code.TIMESTAMP_UNAVAILABLE, "")]
    now = now if now is not None else time.time()
    try:
        signed_article, issued = signing.loads(value or "", salt=TIMESTAMP_SALT)
        issued = int(issued)
    except (signing.BadSignature, TypeError, ValueError):
        return [(HoldReason.Code.BAD_TIMESTAMP, "")]
    if signed_article != article_id:
        return [(HoldReason.Code.BAD_TIMESTAMP, "timestamp from another article's form")]
    elapsed = now - issued
    if elapsed < min_seconds():
        return [(HoldReason.Code.TOO_FAST, f"posted {max(elapsed, 0):.0f} s after the form loaded")]
    return []


def honeypot_signals(value: str):
    if value:
        return [(HoldReason.Code.HONEYPOT, "")]
    return []


def _key(*parts) -> str:
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"comments:{parts[0]}:{digest}"


def _duplicate_key(article_id, parent_id, email, body) -> str:
    return _key("duplicate", article_id, parent_id or "", email.lower(), body.strip())


def _target_filter(article_id: int | str) -> dict:
    """The Comment lookup for a models.target_key(): an article's id or "page-<id>"."""
    if isinstance(article_id, str) and article_id.startswith("page-"):
        return {"page_id": int(article_id.removeprefix("page-"))}
    return {"article_id": article_id}


def is_duplicate(article_id: int | str, parent_id: int | None, email: str, body: str) -> bool:
    """
    True when the same email already said the same thing in the same place
    (``article_id``: models.target_key() of the article or page).
    """
    try:
        if cache.get(_duplicate_key(article_id, parent_id, email, body)):
            return True
    except CACHE_ERRORS as exc:
        logger.warning("Cache unreachable, duplicates checked in the database only: %s", exc)
    return (
        Comment.objects.filter(
            **_target_filter(article_id),
            parent_id=parent_id,
            author_email__iexact=email,
            body=body.strip(),
        )
        .exclude(status=Comment.Status.TRASH)
        .exists()
    )


def claim_duplicate_key(
    article_id: int | str, parent_id: int | None, email: str, body: str
) -> bool:
    """
    Atomically claim this comment's fingerprint; False when another request
    holds it. True when the cache cannot be reached (is_duplicate() asked the
    database).
    """
    try:
        return cache.add(_duplicate_key(article_id, parent_id, email, body), 1, DUPLICATE_SECONDS)
    except CACHE_ERRORS:
        return True


def claim_flood_slot(ip_address: str | None) -> bool:
    """
    One comment per flood_seconds() (15) per IP address; False when posting
    too quickly. True when the cache cannot be reached: a reader's comment is
    not refused for the site's own fault (reCAPTCHA and moderation still apply).
    """
    seconds = flood_seconds()
    if seconds <= 0:
        return True
    try:
        claimed = cache.add(_key("flood", ip_address or "unknown"), 1, seconds)
        if claimed:
            # When the slot was taken, for flood_wait_seconds().
            cache.set(_key("flood-at", ip_address or "unknown"), time.time(), seconds)
        return claimed
    except CACHE_ERRORS as exc:
        logger.warning("Cache unreachable, flood limit not applied: %s", exc)
        return True


def flood_wait_seconds(ip_address: str | None, now: float | None = None) -> int:
    """
    Whole seconds until this IP address may comment again (at least 1, at most
    flood_seconds()), for a refused comment's message and Retry-After header.
    """
    seconds = max(flood_seconds(), 1)
    now = now if now is not None else time.time()
    try:
        claimed_at = cache.get(_key("flood-at", ip_address or "unknown"))
    except CACHE_ERRORS:
        return seconds
    if not isinstance(claimed_at, int | float):
        return seconds
    return min(seconds, max(1, math.ceil(claimed_at + seconds - now)))


def release_claims(
    ip_address: str | None, article_id: int | str, parent_id: int | None, email: str, body: str
) -> None:
    """Give back the flood slot and the fingerprint of a comment that could not be stored."""
    flood = _key("flood", ip_address or "unknown")
    flood_at = _key("flood-at", ip_address or "unknown")
    # Nothing could have been claimed in an unreachable cache either.
    with contextlib.suppress(*CACHE_ERRORS):
        cache.delete_many([flood, flood_at, _duplicate_key(article_id, parent_id, email, body)])
