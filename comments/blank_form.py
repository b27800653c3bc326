"""
The empty "Leave a Reply" form's HTML, rendered once per process.

Every reader of a shared page gets the same empty form; only a few addresses
(where it posts, where comments.js asks for the timestamp and the reader's
saved details, the page it is on) change from one article to the next.
Rendering its ten widgets through Django's form renderer cost about a fifth of
a cold article page, so the template is rendered once with a marker in place
of each of those values, and each request fills them in, escaped. A form with
errors or answering a comment (?replytocom=) is rendered whole, as before.
"""

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from comments.captcha import captcha_version
from comments.forms import CommentForm

TEMPLATE = "comments/form.html"
# The values that differ between pages; each is escaped when filled in.
FILLED_IN = (
    "post_url",
    "timestamp_url",
    "personal_url",
    "page_url",
    "comment_page_number",
    "comment_policy_url",
)
# Never in a template's output: NUL cannot be in an HTML document.
MARK = "\x00"


def render_form(context: dict) -> SafeString:
    """comments/form.html for ``context`` (a form with errors, or a reply)."""
    return render_to_string(TEMPLATE, context)


def blank_form_html(values: dict) -> SafeString:
    """
    The empty, top-level form with ``values`` (one for each name in
    FILLED_IN) in place: the same HTML as rendering the template with them.
    """
    parts = _blank_form_parts(
        captcha_version(),
        settings.RECAPTCHA_PUBLIC_KEY,
        settings.RECAPTCHA_DOMAIN,
        bool(values["comment_policy_url"]),
    )
    if settings.DEBUG:
        # A template edited while the development server runs shows at once.
        _blank_form_parts.cache_clear()
    html = [part if index % 2 == 0 else escape(values[part]) for index, part in enumerate(parts)]
    return mark_safe("".join(html))  # noqa: S308 (the template's output; the values escaped)


@lru_cache(maxsize=8)
def _blank_form_parts(
    version: int, public_key: str, domain: str, has_policy: bool
) -> tuple[str, ...]:
    """The rendered template split at the markers: text, name, text, name, ..., text."""
    context = {name: f"{MARK}{name}{MARK}" for name in FILLED_IN}
    if not has_policy:
        context["comment_policy_url"] = ""
    context.update(form=CommentForm(article=None), reply_to=None, captcha_version=version)
    return tuple(render_form(context).split(MARK))


def forget() -> None:
    """Render the form again next time (settings changed: comments.signals)."""
    _blank_form_parts.cache_clear()
