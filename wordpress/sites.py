"""
Which WordPress site an export comes from, and whether what the import wrote
was changed here since.

A site is known by its address without the scheme ("example.org/blog"): the
export's ``wp:base_blog_url`` (a multisite network's blog), else
``wp:base_site_url``, else the channel's ``<link>``. WordPress IDs are only
unique within a site (wordpress.WordPressItem records them per site), so
another site's export only adds. Items imported before sites were told apart
belong to a site with no address; the first export imported after that adopts
it. An export older (by its ``<pubDate>``) than the newest imported from the
same site adds what is missing and changes nothing.

Fingerprints are short digests of what the import last wrote; when an object
no longer matches its fingerprint, someone changed it here (edited the text,
a moderator decided on a comment) and a re-import keeps it unless told to
overwrite.
"""

from __future__ import annotations

import datetime
import email.utils
import hashlib
from urllib.parse import urlsplit

from wordpress.models import WordPressSite


def site_key(*urls: str) -> str:
    """The first non-empty address as "host/path", lowercased host, no trailing slash."""
    for url in urls:
        url = (url or "").strip()
        if not url:
            continue
        parts = urlsplit(url if "//" in url else f"//{url}")
        host = (parts.hostname or "").lower()
        if parts.port:
            host = f"{host}:{parts.port}"
        key = f"{host}{parts.path.rstrip('/')}"
        if key:
            return key[:500]
    return ""


def export_time(value: str) -> datetime.datetime | None:
    """The channel's RFC 822 <pubDate> as an aware datetime, or None."""
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return when


def find_site(key: str) -> tuple[WordPressSite, bool]:
    """The site with this key (adopting the site with no address), and whether it is new."""
    site = WordPressSite.objects.filter(base_url=key).first()
    if site is not None:
        return site, False
    unnamed = WordPressSite.objects.filter(base_url="").first() if key else None
    if unnamed is not None:
        unnamed.base_url = key
        unnamed.save(update_fields=["base_url"])
        return unnamed, False
    return WordPressSite.objects.create(base_url=key), True


def _digest(*values: object, length: int) -> str:
    text = "\x1f".join("" if value is None else str(value) for value in values)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def article_fingerprint(article) -> str:
    """Title, slug, dek, body and whether it is a draft: what an editor would change."""
    return _digest(
        article.title,
        article.slug,
        article.dek,
        article.body,
        article.status == "draft",
        length=32,
    )


def page_fingerprint(page) -> str:
    """Title, slug, dek, body and status of a page."""
    return _digest(page.title, page.slug, page.dek, page.body, page.status, length=32)


def comment_fingerprint(status: str, body: str) -> str:
    """A comment's status and text: a moderator's decision or an edit changes it."""
    return _digest(status, body, length=16)
