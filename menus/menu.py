"""
The menu as templates show it: the header's and the footer's entries, built
from one query. Every page runs that query when it is rendered, and it is the
same query every time, so its SQL is compiled once per process (the ORM took
ten times longer to build it than the database to answer it).
"""

from dataclasses import dataclass, field
from functools import cache, lru_cache

from django.conf import settings
from django.db import connections, router
from django.urls import get_script_prefix, get_urlconf, reverse

from menus.models import MenuItem
from posts.models import Author, Outlet, Page, Tag


@dataclass
class Entry:
    """One link of the menu, with the links beneath it."""

    label: str
    url: str
    children: list["Entry"] = field(default_factory=list)


@dataclass
class Menu:
    header: list[Entry]
    footer: list[Entry]


DEFAULT_HEADER = (
    ("Latest", "posts:index"),
    ("Archives", "posts:archives"),
    ("Tags", "posts:tags"),
    ("RSS", "posts:feed"),
)


def default_header() -> list[Entry]:
    """What a site without a header menu shows: Latest · Archives · Tags · RSS."""
    urls = _default_header_urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return [Entry(label, url) for (label, _), url in zip(DEFAULT_HEADER, urls, strict=True)]


@lru_cache(maxsize=16)
def _default_header_urls(script_prefix: str, urlconf) -> tuple[str, ...]:
    """The default entries' addresses, worked out once per process and URL configuration."""
    return tuple(reverse(name) for _, name in DEFAULT_HEADER)


def build_menu() -> Menu:
    """
    The header's and the footer's entries in order, each with its visible
    children (one query). An entry readers cannot follow (its page a draft, its
    target deleted) is left out with its children. While no top-level entry is
    set for the header, the header shows ``default_header()``.
    """
    items = [_item(row) for row in _rendering_rows()]
    children: dict[int, list[Entry]] = {}
    for item in items:
        if item.parent_id and item.visible:
            children.setdefault(item.parent_id, []).append(Entry(item.label, item.get_url()))
    top = [item for item in items if not item.parent_id]
    header = [
        Entry(item.label, item.get_url(), children.get(item.pk, []))
        for item in top
        if item.shown_in_header and item.visible
    ]
    footer = [
        Entry(item.label, item.get_url(), children.get(item.pk, []))
        for item in top
        if item.shown_in_footer and item.visible
    ]
    if not any(item.shown_in_header for item in top):
        header = default_header()
    return Menu(header=header, footer=footer)


@cache
def _rendering_sql(alias: str) -> tuple[str, tuple]:
    """MenuItem.objects.for_rendering() as SQL for the database ``alias``."""
    return MenuItem.objects.for_rendering().query.get_compiler(alias).as_sql()


def _rendering_rows() -> list[tuple]:
    """The rows of MenuItem.objects.for_rendering(), from the database reads are routed to."""
    alias = router.db_for_read(MenuItem)
    sql, params = _rendering_sql(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _item(row: tuple) -> MenuItem:
    """
    An entry from a row of for_rendering(), with its target holding what its
    address needs (MenuItem.get_url, MenuItem.visible run unchanged).
    """
    (pk, parent_id, label, kind, url, placement) = row[:6]
    page_id, path, tag_id, tag_slug, outlet_id, outlet_slug, author_id, author_slug = row[6:14]
    item = MenuItem(
        id=pk,
        parent_id=parent_id,
        label=label,
        kind=kind,
        url=url,
        placement=placement,
        page=Page(id=page_id, path=path) if page_id else None,
        tag=Tag(id=tag_id, slug=tag_slug) if tag_id else None,
        outlet=Outlet(id=outlet_id, slug=outlet_slug) if outlet_id else None,
        author=Author(id=author_id, slug=author_slug) if author_id else None,
    )
    item.page_visible = bool(row[14])
    return item
