"""
The cookies of the comment form: two signed and HTTP-only, and a marker.

- ``comment_author``: name, email and website, set ONLY when the reader ticks
  "Save my name, email, and website in this browser", removed when they post
  without ticking it. The server fills the form from it.
- ``comment_pending``: the ids of the reader's own recent comments (held
  ones, so that they and nobody else see them with "Your comment is awaiting
  moderation."; approved ones, so that they see theirs at once even on a
  copy of the page a cache kept from before).
- ``comment_personal`` (``1``, readable by our script, nothing in it): the
  reader has one of the two above, so comments.js asks for them
  (``comments.views.personal``).

No page reads them: the article page is the same for everyone (the page cache
ignores them), and the personal request fills in the form and the reader's
own comments.
"""

import json

from django.conf import settings

AUTHOR_COOKIE = "comment_author"
PENDING_COOKIE = "comment_pending"
MARKER_COOKIE = "comment_personal"
AUTHOR_SALT = "comments.author"
PENDING_SALT = "comments.pending"
AUTHOR_MAX_AGE = 365 * 24 * 60 * 60
PENDING_MAX_AGE = 30 * 24 * 60 * 60
MAX_PENDING_IDS = 20


def _set(response, name, value, salt, max_age):
    response.set_signed_cookie(
        name,
        value,
        salt=salt,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


def _mark(response) -> None:
    """Tell our script there is something personal to ask for."""
    response.set_cookie(
        MARKER_COOKIE,
        "1",
        max_age=AUTHOR_MAX_AGE,
        samesite="Lax",
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


def forget_marker(request, response) -> None:
    """The reader has nothing personal left: our script stops asking."""
    if MARKER_COOKIE in request.COOKIES:
        response.delete_cookie(MARKER_COOKIE, samesite="Lax")


def saved_author(request) -> dict:
    """The saved name, email and website, or {} when the reader saved none."""
    raw = request.get_signed_cookie(
        AUTHOR_COOKIE, default=None, salt=AUTHOR_SALT, max_age=AUTHOR_MAX_AGE
    )
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: str(data.get(key, ""))[:254] for key in ("author", "email", "url")}


def save_author(response, name: str, email: str, url: str) -> None:
    value = json.dumps({"author": name, "email": email, "url": url})
    _set(response, AUTHOR_COOKIE, value, AUTHOR_SALT, AUTHOR_MAX_AGE)
    _mark(response)


def forget_author(request, response) -> None:
    if AUTHOR_COOKIE in request.COOKIES:
        response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")


def own_comment_ids(request) -> list[int]:
    raw = request.get_signed_cookie(
        PENDING_COOKIE, default="", salt=PENDING_SALT, max_age=PENDING_MAX_AGE
    )
    ids = []
    for part in raw.split(","):
        if part.isdigit():
            ids.append(int(part))
    return ids[-MAX_PENDING_IDS:]


def remember_own_comment(request, response, comment_id: int) -> None:
    ids = [i for i in own_comment_ids(request) if i != comment_id] + [comment_id]
    value = ",".join(str(i) for i in ids[-MAX_PENDING_IDS:])
    _set(response, PENDING_COOKIE, value, PENDING_SALT, PENDING_MAX_AGE)
    _mark(response)
