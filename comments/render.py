"""
The HTML of each shown comment, built in Python.

An article page can carry hundreds of comments; rendering each through the
template engine costs about a millisecond, this a few microseconds. The markup
matches WordPress's (``li#comment-<id>`` around ``article#div-comment-<id>``).
Everything from the reader is escaped, except ``body_html``, which was
sanitized when the comment was saved.
"""

from datetime import datetime, tzinfo
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

AWAITING = '<p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>'
# What the author of a comment that is not approved is told: the truth about where it is.
NOTICES = {
    "pending": AWAITING,
    "spam": '<p class="comment-awaiting-moderation">'
    "Your comment was caught by the spam filter and is not published.</p>",
    "trash": '<p class="comment-awaiting-moderation">Your comment was not published.</p>',
}


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def display_time(moment: datetime, tz: tzinfo | None = None) -> str:
    """E.g. "November 26, 2026 at 9:40 p.m." in the site's time zone."""
    local = moment.astimezone(tz or timezone.get_current_timezone())
    hour = local.hour % 12 or 12
    meridiem = "a.m." if local.hour < 12 else "p.m."
    month = MONTHS[local.month - 1]
    return f"{month} {local.day}, {local.year} at {hour}:{local.minute:02d} {meridiem}"


def render_comment(
    comment,
    *,
    depth: int,
    reply_link: bool,
    page_url: str = "",
    tz: tzinfo | None = None,
    badge: str = "",
) -> SafeString:
    """
    The opening <li> and the comment's <article>; the caller closes the item.
    ``page_url`` is the article's address, for the no-JavaScript Reply link;
    ``badge`` (the publication's name) marks replies written by staff from
    the admin (``comment.user_id`` set).
    """
    tz = tz or timezone.get_current_timezone()
    pk = int(comment.pk)
    name = escape(comment.author_name)
    url = comment.safe_author_url
    author = (
        f'<a href="{escape(url)}" rel="external nofollow ugc noopener">{name}</a>' if url else name
    )
    approved = comment.is_approved()
    badge = badge or "Editor"
    staff_badge = (
        f' <span class="comment-badge"><span class="visually-hidden">, replying for </span>'
        f"{escape(badge)}</span>"
        if comment.user_id
        else ""
    )
    reply = (
        f'<p class="reply"><a class="comment-reply-link"'
        f' href="{escape(page_url)}?replytocom={pk}#respond"'
        f' data-comment-id="{pk}" data-author="{name}" rel="nofollow"'
        f' aria-label="Reply to {name}">Reply</a></p>\n'
        if reply_link and approved
        else ""
    )
    submitted = comment.submitted.astimezone(tz)
    return mark_safe(  # noqa: S308 (every value above is escaped; body_html is sanitized)
        f'<li id="comment-{pk}" class="comment depth-{int(depth)}'
        f'{"" if approved else " comment-held"}">\n'
        f'<article class="comment-body" id="div-comment-{pk}">\n'
        f'<footer class="comment-meta">'
        f'<span class="comment-avatar" aria-hidden="true">{escape(comment.initials)}</span> '
        f'<b class="comment-author">{author}</b>{staff_badge} '
        f'<a class="comment-permalink" href="#comment-{pk}">'
        f'<time datetime="{submitted.isoformat()}">{display_time(submitted, tz)}</time></a>'
        f"</footer>\n"
        f"{'' if approved else NOTICES.get(comment.status, AWAITING)}"
        f'<div class="comment-content">{comment.body_html}</div>\n'
        f"{reply}"
        f"</article>\n"
    )
