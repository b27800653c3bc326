"""
``PageCacheMiddleware``: serve and store anonymous readers' pages.

- It is the innermost middleware. A GET of a view marked with
  ``cached_page()`` is served from the cache when the reader carries no
  personal state: no cookie other than the CSRF cookie (and
  PAGE_CACHE_IGNORED_COOKIES), no Authorization header. Any other cookie (a
  session, a commenter's saved details, the replica pin...) bypasses the cache
  and gets ``Cache-Control: private``.
- A stored page records the generation counters it was rendered under
  (pagecache.generations); they are read with the page in one round trip, so
  every process and server sharing the cache stops serving a page the moment
  one of them invalidates it.
- A page lives at most PAGE_CACHE_SECONDS and never past the next moment pages
  change by themselves (``register_next_change()``).
- Per-response values are never cached: the CSRF token, the
  Content-Security-Policy nonce and the values apps record with
  ``response_value()`` are stored as placeholders filled for each response.
  Pages carrying a CSRF token are ``private`` for browsers and CDNs; the others
  are ``public, max-age, s-maxage, stale-while-revalidate`` (PAGE_CACHE_MAX_AGE,
  PAGE_CACHE_STALE_SECONDS) without ``Vary: Cookie``: the same bytes for every
  reader without personal state (``PublicResponseMiddleware`` removes the
  ``Vary: Cookie`` the session middleware adds). Personal and uncached pages
  keep ``Vary: Cookie`` and ``private``.
- Cookies apps declare impersonal (``ignore_cookies()``) do not make a reader
  personal.
- Misses are rendered from the primary database (pagecache.routers), so a
  lagging read replica is never written into the shared cache.
- The addresses of public responses are remembered for front caches that
  cannot purge everything at once (pagecache.frontends.served).
- When the cache cannot be reached, pages are rendered for every request
  (``X-Page-Cache: unavailable``) and the process leaves the cache alone for
  CACHE_RETRY_SECONDS.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from time import monotonic

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import empty

from pagecache import frontends, generations, routers
from pagecache.backends import CACHE_ERRORS
from pagecache.registry import PagePolicy, fill_response_value, ignored_cookies, policy_of

logger = logging.getLogger(__name__)

TRACKING_PARAMETER = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)$")

CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
PLACEHOLDERS = re.compile(rb"\x00([a-z0-9-]+(?::[^\x00]*)?)\x00")
# Headers owned by the middleware around the cache, never stored.
UNSTORED_HEADERS = frozenset(
    {"set-cookie", "vary", "cache-control", "expires", "content-length", "x-page-cache"}
)
# After a failed cache call, a process renders pages without the cache this long.
CACHE_RETRY_SECONDS = 10


def has_personal_state(request: HttpRequest) -> bool:
    """True when the response may depend on who is asking."""
    ignored = {
        settings.CSRF_COOKIE_NAME,
        *settings.PAGE_CACHE_IGNORED_COOKIES,
        *ignored_cookies(),
    }
    if any(name not in ignored for name in request.COOKIES):
        return True
    return "HTTP_AUTHORIZATION" in request.META


def _storable_query(request: HttpRequest, policy: PagePolicy) -> bool:
    return all(name in policy.query or TRACKING_PARAMETER.match(name) for name in request.GET)


def _entry_key(request: HttpRequest) -> str:
    query = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if not TRACKING_PARAMETER.match(name)
        for value in values
    )
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query!r}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"{generations.PREFIX}:page:v4:{digest}"


def _public(response: HttpResponse) -> None:
    seconds = settings.PAGE_CACHE_MAX_AGE
    patch_cache_control(
        response,
        public=True,
        max_age=seconds,
        s_maxage=seconds,
        stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS,
    )
    # The same bytes whatever the cookies: no Vary: Cookie (see PublicResponseMiddleware).
    response._page_cache_public = True


def _private(response: HttpResponse) -> None:
    patch_cache_control(response, private=True)


class _Miss:
    """A page rendered for anonymous readers, to be stored on the way out."""

    def __init__(self, key: str, counters: list[int], lifetime: int, pin_token):
        self.key = key
        self.counters = counters
        self.lifetime = lifetime
        self.pin_token = pin_token


class PageCacheMiddleware:
    """Serve and store anonymous readers' pages; see the module docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        # monotonic() until which this process leaves an unreachable cache alone.
        self.unavailable_until = 0.0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request._page_cache = None
        response = self.get_response(request)
        state = request._page_cache
        if isinstance(state, HttpResponse):
            frontends.served(request, response)
        if state is None or isinstance(state, HttpResponse):
            return response
        if state in ("bypass", "unavailable"):
            patch_vary_headers(response, ["Cookie"])
            _private(response)
            response.headers["X-Page-Cache"] = state
            return response
        if isinstance(state, _Miss):
            routers.unpin(state.pin_token)
            self._store(request, response, state)
            if not getattr(response, "_page_cache_public", False):
                patch_vary_headers(response, ["Cookie"])
            frontends.served(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
            return None
        policy = policy_of(view_func)
        if policy is None:
            return None
        if has_personal_state(request):
            request._page_cache = "bypass"
            return None
        if not _storable_query(request, policy):
            return None
        if monotonic() < self.unavailable_until:
            request._page_cache = "unavailable"
            return None
        # One round trip: the counters and the stored page, which is valid
        # only if it was rendered under the counters' current values.
        keys = [generations.SITE, *(generations.scope_key(scope) for scope in policy.scopes)]
        if policy.own_page:
            keys.append(generations.page_key(request.path))
        key = _entry_key(request)
        try:
            counters, values = generations.current(keys, also=(key,))
            entry = values.get(key)
            if entry is not None and entry.get("generations") == counters:
                response = self._replay(request, entry)
                request._page_cache = response
                return response
            if request.method != "GET":
                return None
            lifetime = generations.lifetime(counters[0])
        except CACHE_ERRORS as exc:
            self._cache_failed(exc)
            request._page_cache = "unavailable"
            return None
        request._page_cache = _Miss(key, counters, lifetime, routers.pin())
        request._page_cache_values = {}
        return None

    def _cache_failed(self, exc: Exception) -> None:
        """Render without the cache, and leave it alone for CACHE_RETRY_SECONDS."""
        logger.error("Cache unreachable, pages rendered without it: %s", exc)
        self.unavailable_until = monotonic() + CACHE_RETRY_SECONDS

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
            else:
                name, _, argument = part.partition(":")
                pieces.append(fill_response_value(name, argument).encode())
        response = HttpResponse(b"".join(pieces), status=entry["status"])
        for name, value in entry["headers"]:
            response.headers[name] = value
        if entry["csrf"]:
            patch_vary_headers(response, ["Cookie"])
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
        recorded = False
        for value, placeholder in request._page_cache_values.items():
            marked = b"\x00%s\x00" % placeholder.encode()
            if value.encode() in content:
                content = content.replace(value.encode(), marked)
                recorded = True
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
        if not (csrf or nonce or recorded):
            parts = [content]
        else:
            parts = [
                part.decode() if index % 2 else part
                for index, part in enumerate(PLACEHOLDERS.split(content))
            ]
        entry = {
            # The counters read before rendering: a change made meanwhile
            # changed them, so this entry can never be served after it.
            "generations": miss.counters,
            "status": response.status_code,
            "parts": parts,
            "headers": headers,
            "csrf": csrf,
        }
        try:
            cache.set(miss.key, entry, miss.lifetime)
        except CACHE_ERRORS as exc:
            self._cache_failed(exc)


class PublicResponseMiddleware:
    """
    Placed before (outside) SessionMiddleware: a page the page cache sent as
    ``public`` is the same for every reader without personal state, so the
    ``Vary: Cookie`` added because the view looked at ``request.user`` is
    taken off (a front cache would otherwise keep one copy per cookie string).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(response, "_page_cache_public", False) and response.has_header("Vary"):
            kept = [
                value.strip()
                for value in response["Vary"].split(",")
                if value.strip() and value.strip().lower() != "cookie"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
