"""
Site-wide defences that are not about one app.

- Headers: Content-Security-Policy comes from django-csp (its middleware,
  with the site-wide header built once: ``CSPMiddleware`` below), configured
  by CONTENT_SECURITY_POLICY in the settings; nosniff, Referrer-Policy,
  Cross-Origin-Opener-Policy and HSTS from Django's ``SecurityMiddleware``, ``X-Frame-Options`` from
  ``XFrameOptionsMiddleware``. ``PermissionsPolicyMiddleware`` adds the one
  header Django has no setting for.
- ``DatabaseUnavailableMiddleware``: a friendly 503 page with ``Retry-After``
  when the database cannot be reached, instead of a 500 and a traceback.
- ``LoginLockoutBackend``: django-axes' lockout check for every login form.
- ``serve_media``: uploaded files from ``MEDIA_ROOT`` when ``SERVE_MEDIA`` is on,
  with nosniff and a ``sandbox`` policy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from axes.backends import AxesStandaloneBackend
from csp.constants import HEADER
from csp.decorators import csp_update
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.views import static

logger = logging.getLogger(__name__)

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


# An uploaded file opened directly runs no script and submits no form.
@csp_update({"sandbox": True})
def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """
    An uploaded file from settings.MEDIA_ROOT, both settings read at each
    request. Production normally lets the web server, a CDN or object storage
    do this (SERVE_MEDIA=0, which makes this a 404).
    """
    if not settings.SERVE_MEDIA:
        raise Http404("Media is not served by the application.")
    return static.serve(request, path, document_root=settings.MEDIA_ROOT)


# What django-csp's decorators and the nonce leave on a request or response.
_PER_RESPONSE_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


class CSPMiddleware(LibraryCSPMiddleware):
    """
    django-csp's middleware, with the site-wide policy built once.

    Most responses (every page served from the page cache) use no nonce and
    no per-view change: they get the policy of CONTENT_SECURITY_POLICY as
    built the last time, instead of a deep copy of the settings turned into
    a header again (a tenth of a cached page's time). Anything else (a
    nonce, a decorator, report-only or excluded prefixes, Django's debug
    pages) goes through django-csp unchanged.
    """

    _built: tuple[object, str] = (None, "")

    def process_response(self, request, response):
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if (
            policy
            and getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, name) for name in _PER_RESPONSE_POLICY)
            and HEADER not in response
            and not settings.DEBUG
            and not policy.get("EXCLUDE_URL_PREFIXES")
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        ):
            source, header = self._built
            if source is not policy:
                header = build_policy()
                self._built = (policy, header)
            response[HEADER] = header
            # As django-csp does: a nonce read after the header is written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
            return response
        return super().process_response(request, response)


class PermissionsPolicyMiddleware:
    """
    Turn off the browser features the site never uses (camera, microphone,
    geolocation, payment, USB and the like) on every response that has not
    set its own Permissions-Policy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
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
