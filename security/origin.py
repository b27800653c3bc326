"""
Where a POST came from, told by the browser: the replacement for a CSRF token
on forms served from a shared cache (README "Security").

``post_origin(request)`` answers from, in order:

1. ``Sec-Fetch-Site`` (every current browser): only ``same-origin`` is ours;
   ``same-site`` (a subdomain, such as a media domain) and ``cross-site`` are not.
2. ``Origin``: the request's own scheme and host, or one of
   ``CSRF_TRUSTED_ORIGINS``; ``null`` (a sandboxed frame, a privacy redirect) is not.
3. ``Referer`` (browsers too old to send ``Origin`` on a POST): its scheme and
   host as for ``Origin``.

A request with none of the three is ``UNKNOWN``: an old browser with the referrer
switched off, or a program (which carries no reader's cookies). The caller
decides what that may do.
"""

from __future__ import annotations

import enum
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest


class Origin(enum.Enum):
    SAME = "same"
    CROSS = "cross"
    UNKNOWN = "unknown"


def _own_origins(request: HttpRequest) -> set[str]:
    try:
        own = f"{request.scheme}://{request.get_host()}".lower()
    except DisallowedHost:
        return set()
    return {own, *(origin.lower().rstrip("/") for origin in settings.CSRF_TRUSTED_ORIGINS)}


def _origin_of(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def post_origin(request: HttpRequest) -> Origin:
    """Whether this request was sent by a page of this site; see the module docstring."""
    fetch_site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    if fetch_site:
        return Origin.SAME if fetch_site == "same-origin" else Origin.CROSS
    origin = request.headers.get("Origin")
    if origin is not None:
        return Origin.SAME if _origin_of(origin) in _own_origins(request) else Origin.CROSS
    referer = request.headers.get("Referer")
    if referer:
        return Origin.SAME if _origin_of(referer) in _own_origins(request) else Origin.CROSS
    return Origin.UNKNOWN
