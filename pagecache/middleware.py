"""
The page cache: anonymous readers' article and list pages from Django's cache.

Design (see also the README's deployment guide):

- ``PageCacheMiddleware`` (the innermost middleware) serves a GET of one of the
  views in ``CACHED_VIEWS`` from the cache when the reader carries no personal
  state: no cookie other than the CSRF cookie (and PAGE_CACHE_IGNORED_COOKIES),
  no Authorization header. A session (staff), the comment author's saved
  details, the pending-comments cookie or the replica pin all bypass the cache
  and get ``Cache-Control: private``.
- Each stored page records the generation counters it was rendered under;
  the counters live in the same cache and are read with the page in one round
  trip, so any process or server sharing it (Redis) stops serving a page the
  moment one of them bumps a counter: ``content`` (any article, tag, author,
  outlet, quotation, site or discussion settings change: every page), ``lists`` (approved comments
  changed somewhere: list pages show comment counts, feeds show comments) and
  one per article page (its comments changed). Counters are seeded from the
  clock, so a counter evicted and re-created never repeats an old value.
- Counters are bumped at once and again when the transaction commits, so a
  page rendered between the two from data not yet committed is never kept.
- A cached page lives at most PAGE_CACHE_SECONDS and never past the next
  moment something changes by itself: the next scheduled article's publication
  time, or the moment an article's comments close by age.
- The CSRF token and the Content-Security-Policy nonce are never cached: the
  stored HTML holds placeholders that each response fills with the reader's
  own fresh values (the CSRF cookie is set by CsrfViewMiddleware as usual).
  Pages carrying a token are ``private`` for browsers and CDNs; the others are
  ``public`` with a short ``max-age`` and ``s-maxage``.
- Misses are rendered from the primary database (strategist.routers), so a
  lagging read replica can never be written into the shared cache.
- When the cache cannot be reached, pages are rendered for every request
  (``X-Page-Cache: unavailable``) and the process leaves the cache alone for
  CACHE_RETRY_SECONDS; a counter bump that fails is logged, and the pages it
  should have dropped may be served until they expire (PAGE_CACHE_SECONDS)
  if the cache comes back with its contents.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import empty

from pagecache import routers
from pagecache.backends import CACHE_ERRORS

logger = logging.getLogger(__name__)

# View name -> what invalidates it besides "content": "lists" (comment counts
# and comment feeds) or "article" (that article's own counter).
CACHED_VIEWS: dict[str, str] = {
    "posts:index": "lists",
    "posts:index-page": "lists",
    "posts:year": "lists",
    "posts:month": "lists",
    "posts:tag": "lists",
    "posts:tag-page": "lists",
    "posts:author": "lists",
    "posts:author-page": "lists",
    "posts:source": "lists",
    "posts:source-page": "lists",
    "posts:search": "lists",
    "posts:feed": "lists",
    "posts:feed-atom": "lists",
    "posts:tag-feed": "lists",
    "posts:sitemap": "lists",
    "posts:article": "article",
    "comments:feed": "lists",
    "comments:article-feed": "lists",
}
# Query parameters a cached page may vary on; any other (except tracking
# parameters, which change nothing on the page) means "render, don't store".
CACHEABLE_PARAMETERS = frozenset({"q", "page", "replytocom"})
TRACKING_PARAMETER = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)$")

CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
# The comment form's signed "form loaded at" timestamp is re-signed for every
# response, so that a cached page does not make a bot look like a slow typist.
TIMESTAMP_INPUT = re.compile(rb'name="timestamp" value="([^"]+)"')
PLACEHOLDERS = re.compile(rb"\x00(csrf-token|csp-nonce|timestamp:\d+)\x00")
# Headers owned by the middleware around the cache, never stored.
UNSTORED_HEADERS = frozenset(
    {"set-cookie", "vary", "cache-control", "expires", "content-length", "x-page-cache"}
)

PREFIX = "pagecache"
# After a failed cache call, a process renders pages without the cache this long.
CACHE_RETRY_SECONDS = 10
CONTENT = f"{PREFIX}:gen:content"
LISTS = f"{PREFIX}:gen:lists"


def _article_key(path: str) -> str:
    return f"{PREFIX}:gen:article:{path}"


# ---------------------------------------------------------------------------
# Generation counters


def _seed() -> int:
    # Microseconds since the epoch: larger than any value an evicted counter had.
    return time.time_ns() // 1000


def _generations(keys: list[str], also: tuple[str, ...] = ()) -> tuple[list[int], dict]:
    """
    The counters for keys (created when missing), and in the same round trip
    to the cache the values of the keys in also.
    """
    values = cache.get_many([*keys, *also])
    missing = [key for key in keys if key not in values]
    if missing:
        for key in missing:
            cache.add(key, _seed(), timeout=None)
        values.update(cache.get_many(missing))
    return [int(values.get(key, 0)) for key in keys], values


def _bump_now(keys: Iterable[str]) -> None:
    try:
        _incr_generations(keys)
    except CACHE_ERRORS as exc:
        # Saving must not fail because the cache is away (see the module docstring).
        logger.error("Cache unreachable, pages not invalidated (%s): %s", ", ".join(keys), exc)


def _incr_generations(keys: Iterable[str]) -> None:
    for key in keys:
        try:
            generation = cache.incr(key)
        except ValueError:
            cache.add(key, _seed(), timeout=None)
            generation = cache.get(key)
        if key == CONTENT and generation is not None:
            # Work out now, while saving, when pages next change by themselves,
            # so that readers' requests need no query for it.
            _remember_next_change(int(generation), timezone.now())


def _bump(keys: Iterable[str]) -> None:
    """Bump now and, inside a transaction, once more after it commits."""
    keys = list(keys)
    if not keys or not settings.PAGE_CACHE_ENABLED:
        return
    _bump_now(keys)
    for alias in connections:
        if connections[alias].in_atomic_block:
            transaction.on_commit(lambda: _bump_now(keys), using=alias)


def invalidate_all() -> None:
    """Something every page may show changed (an article, tag, setting...)."""
    _bump([CONTENT])


def invalidate_article_comments(articles: Iterable[Any]) -> None:
    """
    The approved comments of these articles (Article instances or ids)
    changed: their pages, list pages (comment counts) and comment feeds.
    """
    from posts.models import Article

    articles = list(articles)
    if not articles:
        return
    ids = [a for a in articles if not isinstance(a, Article)]
    instances = [a for a in articles if isinstance(a, Article)]
    if ids:
        # Only what the address needs, without loading (and initialising) whole rows.
        instances += [
            Article(slug=slug, pub_date=pub_date)
            for slug, pub_date in Article.objects.filter(pk__in=ids).values_list("slug", "pub_date")
        ]
    _bump([LISTS, *(_article_key(a.get_absolute_url()) for a in instances)])


# ---------------------------------------------------------------------------
# When pages change by themselves


def _close_after_days() -> int:
    """The discussion settings' close_after_days, read without creating the row."""
    from comments.models import DiscussionSettings

    days = DiscussionSettings.objects.values_list("close_after_days", flat=True).first()
    if days is None:
        days = DiscussionSettings._meta.get_field("close_after_days").default
    return days


def _next_change(now: datetime) -> datetime | None:
    """The next moment a page changes without anyone saving anything."""
    from django.db.models import Min

    from posts.models import Article

    moments = []
    scheduled = Article.objects.filter(
        status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED], pub_date__gt=now
    ).aggregate(next=Min("pub_date"))["next"]
    if scheduled:
        moments.append(scheduled)
    days = _close_after_days()
    if days:
        closing = (
            Article.objects.published()
            .filter(comments_open=True, pub_date__gte=now - timedelta(days=days))
            .aggregate(first=Min("pub_date"))["first"]
        )
        if closing:
            moments.append(closing + timedelta(days=days))
    return min(moments) if moments else None


def _remember_next_change(content_generation: int, now: datetime) -> float:
    """Store (and return) _next_change() as a timestamp, 0 for never."""
    moment = _next_change(now)
    stored = moment.timestamp() if moment else 0
    ttl = settings.PAGE_CACHE_SECONDS
    if stored:
        ttl = max(1, min(ttl, int(stored - now.timestamp())))
    cache.set(f"{PREFIX}:next:{content_generation}", stored, ttl)
    return stored


def _lifetime(content_generation: int) -> int:
    """Seconds a page rendered now may be kept (0: don't keep it)."""
    now = timezone.now()
    stored = cache.get(f"{PREFIX}:next:{content_generation}")
    if stored is None or (stored and stored <= now.timestamp()):
        stored = _remember_next_change(content_generation, now)
    seconds = settings.PAGE_CACHE_SECONDS
    if stored:
        seconds = min(seconds, int(stored - now.timestamp()))
    return max(seconds, 0)


# ---------------------------------------------------------------------------
# The middleware


def has_personal_state(request: HttpRequest) -> bool:
    """True when the response may depend on who is asking."""
    ignored = {settings.CSRF_COOKIE_NAME, *settings.PAGE_CACHE_IGNORED_COOKIES}
    if any(name not in ignored for name in request.COOKIES):
        return True
    return "HTTP_AUTHORIZATION" in request.META


def _storable_query(request: HttpRequest) -> bool:
    return all(
        name in CACHEABLE_PARAMETERS or TRACKING_PARAMETER.match(name) for name in request.GET
    )


def _page_key(request: HttpRequest) -> str:
    query = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if not TRACKING_PARAMETER.match(name)
        for value in values
    )
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query!r}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"{PREFIX}:page:v3:{digest}"


def _public(response: HttpResponse) -> None:
    seconds = settings.PAGE_CACHE_MAX_AGE
    patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)


def _private(response: HttpResponse) -> None:
    patch_cache_control(response, private=True)


def _freeze_timestamps(content: bytes) -> tuple[bytes, bool]:
    """Replace the comment forms' signed timestamps by placeholders naming the article."""
    from django.core import signing

    from comments.spam import TIMESTAMP_SALT

    found = False

    def placeholder(match: re.Match) -> bytes:
        nonlocal found
        try:
            article_id, _issued = signing.loads(match[1].decode(), salt=TIMESTAMP_SALT)
        except (signing.BadSignature, TypeError, ValueError):
            return match[0]
        found = True
        return b'name="timestamp" value="\x00timestamp:%d\x00"' % int(article_id)

    return TIMESTAMP_INPUT.sub(placeholder, content), found


class _Miss:
    """A page rendered for anonymous readers, to be stored on the way out."""

    def __init__(self, key: str, generations: list[int], lifetime: int, pin_token):
        self.key = key
        self.generations = generations
        self.lifetime = lifetime
        self.pin_token = pin_token


class PageCacheMiddleware:
    """Serve and store anonymous readers' pages; see the module docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        # time.monotonic() until which this process leaves an unreachable cache alone.
        self.unavailable_until = 0.0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request._page_cache = None
        response = self.get_response(request)
        state = request._page_cache
        if state is None or isinstance(state, HttpResponse):
            return response
        if state in ("bypass", "unavailable"):
            patch_vary_headers(response, ["Cookie"])
            _private(response)
            response.headers["X-Page-Cache"] = state
            return response
        if isinstance(state, _Miss):
            routers.unpin(state.pin_token)
            patch_vary_headers(response, ["Cookie"])
            self._store(request, response, state)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        scope = CACHED_VIEWS.get(match.view_name) if match else None
        if scope is None:
            return None
        if has_personal_state(request):
            request._page_cache = "bypass"
            return None
        if not _storable_query(request):
            return None
        if time.monotonic() < self.unavailable_until:
            request._page_cache = "unavailable"
            return None
        # One round trip: the counters and the stored page, which is valid
        # only if it was rendered under the counters' current values.
        keys = [CONTENT, LISTS if scope == "lists" else _article_key(request.path)]
        key = _page_key(request)
        try:
            generations, values = _generations(keys, also=(key,))
            entry = values.get(key)
            if entry is not None and entry.get("generations") == generations:
                response = self._replay(request, entry)
                request._page_cache = response
                return response
            if request.method != "GET":
                return None
            lifetime = _lifetime(generations[0])
        except CACHE_ERRORS as exc:
            self._cache_failed(exc)
            request._page_cache = "unavailable"
            return None
        request._page_cache = _Miss(key, generations, lifetime, routers.pin())
        return None

    def _cache_failed(self, exc: Exception) -> None:
        """Render without the cache, and leave it alone for CACHE_RETRY_SECONDS."""
        logger.error("Cache unreachable, pages rendered without it: %s", exc)
        self.unavailable_until = time.monotonic() + CACHE_RETRY_SECONDS

    def _replay(self, request: HttpRequest, entry: dict) -> HttpResponse:
        # The page is stored as text pieces and markers for the per-response
        # values, so a hit never scans the whole page.
        pieces = []
        token = None
        for part in entry["parts"]:
            if type(part) is bytes:
                pieces.append(part)
            elif part == "csrf-token":
                token = token or get_token(request).encode()
                pieces.append(token)
            elif part == "csp-nonce":
                pieces.append(str(getattr(request, "csp_nonce", "")).encode())
            else:  # "timestamp:<article id>"
                from comments.spam import sign_timestamp

                pieces.append(sign_timestamp(int(part.split(":")[1])).encode())
        content = b"".join(pieces)
        response = HttpResponse(content, status=entry["status"])
        for name, value in entry["headers"]:
            response.headers[name] = value
        patch_vary_headers(response, ["Cookie"])
        if entry["csrf"]:
            _private(response)
        else:
            _public(response)
        response.headers["X-Page-Cache"] = "hit"
        return response

    def _store(self, request: HttpRequest, response: HttpResponse, miss: _Miss) -> None:
        """Keep the response if it is the same for every anonymous reader."""
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or response.has_header("Cache-Control")
            # Reading the (empty) session is normal: request.user does. Writing
            # to it makes the response personal.
            or getattr(getattr(request, "session", None), "modified", False)
        ):
            return
        content = response.content
        csrf = False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            tokens = set(CSRF_INPUT.findall(content))
            secret = request.META.get("CSRF_COOKIE", "")
            if not tokens:
                # A token went somewhere other than a form field: not storable.
                _private(response)
                return
            for token in tokens:
                content = content.replace(token, CSRF_PLACEHOLDER)
            if secret and secret.encode() in content:
                _private(response)
                return
            csrf = True
        content, timestamps = _freeze_timestamps(content)
        nonce = False
        lazy_nonce = getattr(request, "csp_nonce", None)
        if lazy_nonce is not None and getattr(lazy_nonce, "_wrapped", empty) is not empty:
            value = str(lazy_nonce).encode()
            if value:
                content = content.replace(value, NONCE_PLACEHOLDER)
                nonce = True
        if csrf:
            _private(response)
        else:
            _public(response)
        response.headers["X-Page-Cache"] = "miss"
        if miss.lifetime <= 0:
            return
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in UNSTORED_HEADERS
        ]
        if not (csrf or nonce or timestamps):
            parts = [content]
        else:
            parts = [
                part.decode() if index % 2 else part
                for index, part in enumerate(PLACEHOLDERS.split(content))
            ]
        entry = {
            # The counters read before rendering: a change made meanwhile
            # bumped them, so this entry can never be served after it.
            "generations": miss.generations,
            "status": response.status_code,
            "parts": parts,
            "headers": headers,
            "csrf": csrf,
        }
        try:
            cache.set(miss.key, entry, miss.lifetime)
        except CACHE_ERRORS as exc:
            self._cache_failed(exc)


# ---------------------------------------------------------------------------
# Keeping the cache right: model signals (connected in StrategistConfig.ready)
# and explicit calls from bulk updates, which send no signals.

# Models whose changes may show on any page: everything in posts, and the
# discussion settings (whether the form is shown). Comments are handled per
# article; other comment bookkeeping (hold reasons) shows on no public page.
PAGE_MODELS_APPS = frozenset({"posts"})
PAGE_MODELS = frozenset({("comments", "discussionsettings")})


def _comment_status_loaded(sender, instance, **kwargs) -> None:
    instance._pagecache_status = instance.__dict__.get("status")


def _comment_saved(sender, instance, created=False, **kwargs) -> None:
    from comments.models import Comment

    before = None if created else getattr(instance, "_pagecache_status", None)
    shown = Comment.Status.APPROVED
    if shown in (before, instance.status) or (not created and before is None):
        invalidate_article_comments([instance.article_id])
    instance._pagecache_status = instance.status


def _comment_deleted(sender, instance, **kwargs) -> None:
    from comments.models import Comment

    if instance.status == Comment.Status.APPROVED:
        invalidate_article_comments([instance.article_id])


def _content_changed(sender, action: str = "post", **kwargs) -> None:
    meta = sender._meta
    if not action.startswith("post"):
        return  # m2m_changed's pre_add, pre_remove, pre_clear
    if meta.app_label in PAGE_MODELS_APPS or (meta.app_label, meta.model_name) in PAGE_MODELS:
        invalidate_all()


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

    from comments.models import Comment

    post_init.connect(_comment_status_loaded, sender=Comment, dispatch_uid="pagecache-init")
    post_save.connect(_comment_saved, sender=Comment, dispatch_uid="pagecache-comment-save")
    post_delete.connect(_comment_deleted, sender=Comment, dispatch_uid="pagecache-comment-del")
    post_save.connect(_content_changed, dispatch_uid="pagecache-content-save")
    post_delete.connect(_content_changed, dispatch_uid="pagecache-content-delete")
    m2m_changed.connect(_content_changed, dispatch_uid="pagecache-content-m2m")


# ---------------------------------------------------------------------------
# The benchmark's SQL counter


class QueryCountMiddleware:
    """Add ``X-Query-Count``: SQL statements run for this request (benchmark only)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        response.headers["X-Query-Count"] = str(count)
        return response
