"""
Site-wide defences that are not about one app.

- ``SecurityHeadersMiddleware``: Content-Security-Policy (our own assets and
  reCAPTCHA's only, a per-request nonce for the rare inline script),
  Permissions-Policy and Cross-Origin-Opener-Policy on every response,
  uploaded media included. Django's ``SecurityMiddleware`` and
  ``XFrameOptionsMiddleware`` add nosniff, Referrer-Policy, HSTS and
  ``X-Frame-Options``.
- ``DatabaseUnavailableMiddleware``: a friendly 503 page with ``Retry-After``
  when the database cannot be reached, instead of a 500 and a traceback.
- ``LoginLockoutBackend``: django-axes' lockout check for every login form.
- ``serve_media``: uploaded files from ``MEDIA_ROOT`` when ``SERVE_MEDIA`` is on
  (the middleware above adds nosniff and a ``sandbox`` policy to them).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.utils.functional import SimpleLazyObject
from django.views import static

logger = logging.getLogger(__name__)

DEFAULT_RECAPTCHA_DOMAIN = "www.google.com"

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
        "browsing-topics",
    )
)


def _origin(url: str) -> str | None:
    """The scheme and host of an absolute URL, or None for a path on this site."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    if url.startswith("//") and parts.netloc:
        return f"https://{parts.netloc}"
    return None


def content_security_policy(nonce: str | None = None) -> str:
    """
    The policy for a response: scripts, styles, fonts and images from this site
    (and from STATIC_URL/MEDIA_URL when they are on another domain), reCAPTCHA's
    script and frames, nothing inline except a script carrying ``nonce``, no
    plugins, no framing by anyone.
    """
    recaptcha = getattr(settings, "RECAPTCHA_DOMAIN", DEFAULT_RECAPTCHA_DOMAIN)
    recaptcha_root = f"https://{recaptcha}/recaptcha/"
    static_origin = _origin(settings.STATIC_URL)
    media_origin = _origin(settings.MEDIA_URL)
    own = ["'self'"] + [o for o in (static_origin,) if o]
    images = ["'self'", "data:"] + [o for o in (static_origin, media_origin) if o]

    scripts = [*own, recaptcha_root, "https://www.gstatic.com/recaptcha/"]
    if nonce:
        scripts.append(f"'nonce-{nonce}'")
    frames = [recaptcha_root]
    if recaptcha == DEFAULT_RECAPTCHA_DOMAIN:
        frames.append("https://recaptcha.google.com/recaptcha/")
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": own,
        "img-src": list(dict.fromkeys(images)),
        "font-src": own,
        "connect-src": ["'self'", recaptcha_root],
        "frame-src": frames,
        "media-src": list(dict.fromkeys(["'self'", *(o for o in (media_origin,) if o)])),
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _is_local_media(path: str) -> bool:
    media_url = settings.MEDIA_URL
    return bool(media_url) and _origin(media_url) is None and path.startswith(media_url)


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """
    An uploaded file from settings.MEDIA_ROOT, both settings read at each
    request. Production normally lets the web server, a CDN or object storage
    do this (SERVE_MEDIA=0, which makes this a 404).
    """
    if not settings.SERVE_MEDIA:
        raise Http404("Media is not served by the application.")
    return static.serve(request, path, document_root=settings.MEDIA_ROOT)


class SecurityHeadersMiddleware:
    """
    Add Content-Security-Policy, Permissions-Policy and
    Cross-Origin-Opener-Policy to every response that has not set its own.

    ``request.csp_nonce`` is a fresh random value per request; a template that
    needs an inline script writes ``<script nonce="{{ request.csp_nonce }}">``
    and the nonce is then allowed by the policy of that response only.
    A response that never read the nonce gets the policy without one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        generated: list[str] = []

        def make_nonce() -> str:
            generated.append(secrets.token_urlsafe(18))
            return generated[0]

        request.csp_nonce = SimpleLazyObject(make_nonce)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            policy = content_security_policy(generated[0] if generated else None)
            if _is_local_media(request.path):
                # An uploaded file opened directly runs no script and no form.
                policy += "; sandbox"
            response.headers["Content-Security-Policy"] = policy
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """
    Answer 503 Service Unavailable with a friendly page and ``Retry-After``
    when a view or a template cannot reach the database.

    The page is rendered without context processors or the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_OUTAGE_ERRORS):
            return None
        return database_unavailable(request, exception)


def database_unavailable(
    request: HttpRequest, exception: Exception, text: str = ""
) -> HttpResponse:
    """
    Log the outage and return the 503 page; ``text`` (a reader's unsaved
    comment) is shown on it to copy.
    """
    logger.error(
        "Database unavailable during %s %s: %s",
        request.method,
        request.path,
        exception,
        exc_info=exception,
    )
    page = loader.get_template("503.html").render({"text": text})
    response = HttpResponse(page, status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


class LoginLockoutBackend(AxesStandaloneBackend):
    """
    django-axes' check that refuses a login while the client or the username is
    locked out (it authenticates no one itself; ModelBackend follows it).

    Every login form passes the request to ``authenticate()``; a call without
    one (``Client.login`` in tests, a shell) has no client to count attempts
    for, so the lockout check is skipped for it instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
