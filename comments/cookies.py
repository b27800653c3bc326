"""
The two cookies of the comment form, both signed and HTTP-only.

- ``comment_author``: name, email and website, set ONLY when the reader ticks
  "Save my name, email, and website in this browser", removed when they post
  without ticking it. The server fills the form from it.
- ``comment_pending``: the ids of the reader's own comments not yet approved,
  so that they (and nobody else) see them with "Your comment is awaiting
  moderation."

A page built from either cookie is personal and must never be cached for others.
"""

import json

from django.conf import settings

AUTHOR_COOKIE = "comment_author"
PENDING_COOKIE = "comment_pending"
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
