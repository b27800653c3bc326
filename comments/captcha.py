"""
reCAPTCHA for the comment form, through django-recaptcha.

django-recaptcha's field raises on every failure (and lets URLError,
TimeoutError and http.client's errors escape as a 500). Here its widgets only
render the check; the token is verified by ``verify_captcha``, which never
raises and returns one of five outcomes the moderation rules act on:

- PASSED: Google accepted the token (and, for v3, the score reached the threshold);
- LOW_SCORE: v3 accepted the token with a score below RECAPTCHA_REQUIRED_SCORE;
- MISSING: no token at all (no JavaScript, or a bot);
- INVALID: Google refused the token (expired, reused, forged, wrong action);
- UNVERIFIED: Google could not be asked (unreachable, timeout, garbage answer,
  or our own keys refused).

Without a token, ``browser_report`` reads what the reader's browser said about
Google's script (see ``Browser``), so that a reader whose browser could not
load it, or who runs no JavaScript, is told apart from a raw POST.
"""

import logging
from dataclasses import dataclass, field
from enum import Enum
from http.client import HTTPException
from urllib.error import URLError

from django.conf import settings
from django_recaptcha import client
from django_recaptcha.fields import ReCaptchaField
from django_recaptcha.widgets import ReCaptchaV2Checkbox, ReCaptchaV3

from markup.text import xml_safe

logger = logging.getLogger(__name__)

ACTION = "comment"
# Google's error codes that mean the reader's token is bad; any other refusal
# (a wrong secret, a malformed request) is our fault and must not cost the
# reader their comment.
TOKEN_ERROR_CODES = frozenset(
    {"invalid-input-response", "missing-input-response", "timeout-or-duplicate"}
)


class Outcome(Enum):
    PASSED = "passed"
    LOW_SCORE = "low score"
    MISSING = "missing"
    INVALID = "invalid"
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class CaptchaResult:
    outcome: Outcome
    score: float | None = None
    threshold: float | None = None
    error_codes: tuple[str, ...] = field(default_factory=tuple)
    detail: str = ""


class Browser(Enum):
    """
    What the form's hidden fields say about the reader's browser when no token
    came. comments.js sets the "browser" field at submit time; the form's
    ``<noscript>`` block posts ``noscript=1``, which a browser running scripts
    never sends.
    """

    TOKEN = "token"  # noqa: S105 (our script got a token: an empty one is a forgery)
    UNTICKED = "unticked"  # v2: Google's checkbox was shown and left unticked
    GOOGLE_UNAVAILABLE = "google unavailable"  # Google's script failed or gave no token
    NO_JAVASCRIPT = "no javascript"  # no script ran: only the <noscript> marker came
    UNKNOWN = "unknown"  # neither our script nor the marker: a raw POST


@dataclass(frozen=True)
class BrowserReport:
    browser: Browser
    detail: str = ""


# The values comments.js puts in the "browser" field, and what they mean.
UNAVAILABLE_DETAILS = {
    "no-script": "Google's script did not load",
    "no-token": "Google's script gave no token in time",
    "error": "Google's script failed",
}


def browser_report(browser_field: str | None, noscript_field: str | None) -> BrowserReport:
    """What the browser said about Google's script; only meaningful without a token."""
    value = (browser_field or "").strip()
    if value in UNAVAILABLE_DETAILS:
        return BrowserReport(Browser.GOOGLE_UNAVAILABLE, UNAVAILABLE_DETAILS[value])
    if value == "unticked":
        return BrowserReport(Browser.UNTICKED)
    if value == "token":
        return BrowserReport(Browser.TOKEN)
    if not value and (noscript_field or "").strip() == "1":
        return BrowserReport(Browser.NO_JAVASCRIPT)
    return BrowserReport(Browser.UNKNOWN, f"browser field {value[:40]!r}" if value else "")


def captcha_version() -> int:
    return 2 if getattr(settings, "RECAPTCHA_VERSION", 3) == 2 else 3


def verify_captcha(token: str | None, remote_ip: str | None) -> CaptchaResult:
    """Ask Google about a token; never raises (see the module docstring)."""
    token = (token or "").strip()
    if not token:
        return CaptchaResult(Outcome.MISSING)
    try:
        answer = client.submit(
            recaptcha_response=token,
            private_key=settings.RECAPTCHA_PRIVATE_KEY,
            remoteip=remote_ip or "",
        )
        is_valid = answer.is_valid is True
        error_codes = tuple(str(code) for code in answer.error_codes or ())
        score = answer.extra_data.get("score")
        score = None if score is None else float(score)
    except (URLError, OSError, HTTPException) as exc:
        # OSError covers timeouts, resets and TLS errors; HTTPException a
        # broken answer (no status line, connection cut mid-body).
        logger.warning("reCAPTCHA verification failed: %s", exc)
        return CaptchaResult(Outcome.UNVERIFIED, detail=f"Google unreachable: {exc}")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # json.JSONDecodeError and UnicodeDecodeError are ValueErrors.
        logger.warning("reCAPTCHA answered something unexpected: %r", exc)
        return CaptchaResult(Outcome.UNVERIFIED, detail="unexpected answer from Google")

    if not is_valid:
        if error_codes and set(error_codes) <= TOKEN_ERROR_CODES:
            return CaptchaResult(Outcome.INVALID, error_codes=error_codes)
        logger.error("reCAPTCHA refused our request: %s", ", ".join(error_codes) or "no reason")
        return CaptchaResult(
            Outcome.UNVERIFIED,
            error_codes=error_codes,
            detail="Google refused the check: " + (", ".join(error_codes) or "no reason"),
        )

    if captcha_version() == 2:
        return CaptchaResult(Outcome.PASSED)

    if answer.action != ACTION:
        return CaptchaResult(Outcome.INVALID, detail=f"action {answer.action!r}")
    threshold = float(settings.RECAPTCHA_REQUIRED_SCORE)
    if score is None:
        return CaptchaResult(Outcome.UNVERIFIED, detail="no score in Google's answer")
    if score < threshold:
        return CaptchaResult(Outcome.LOW_SCORE, score=score, threshold=threshold)
    return CaptchaResult(Outcome.PASSED, score=score, threshold=threshold)


class CommentReCaptchaV3(ReCaptchaV3):
    """django-recaptcha's v3 widget without inline script: comments.js fetches the token."""

    template_name = "comments/recaptcha_v3.html"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # No callback and no size: comments.js asks for the token at submit time.
        del attrs["data-callback"], attrs["data-size"]
        return attrs


class CommentReCaptchaV2Checkbox(ReCaptchaV2Checkbox):
    """django-recaptcha's v2 checkbox without inline script."""

    template_name = "comments/recaptcha_v2_checkbox.html"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        del attrs["data-callback"]  # the form is submitted by its own button
        return attrs


class CommentCaptchaField(ReCaptchaField):
    """
    Renders django-recaptcha's widget (v3 with action "comment", or the v2
    checkbox when RECAPTCHA_VERSION is 2) and hands the token on unchecked:
    the view calls ``verify_captcha`` so that no failure of Google's can
    lose a comment.
    """

    def __init__(self, **kwargs):
        if captcha_version() == 2:
            widget = CommentReCaptchaV2Checkbox()
        else:
            widget = CommentReCaptchaV3(action=ACTION)
        super().__init__(widget=widget, **kwargs)
        self.required = False

    def to_python(self, value):
        return xml_safe(super().to_python(value))

    def validate(self, value):
        """Deliberately empty: verification happens in verify_captcha."""
