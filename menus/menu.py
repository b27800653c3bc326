"""The menu as templates show it: the header's and the footer's entries, built from one query."""

from dataclasses import dataclass, field

from django.urls import reverse

from menus.models import MenuItem


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


def default_header() -> list[Entry]:
    """What a site without a header menu shows: Latest · Archives · Tags · RSS."""
    return [
        Entry("Latest", reverse("posts:index")),
        Entry("Archives", reverse("posts:archives")),
        Entry("Tags", reverse("posts:tags")),
        Entry("RSS", reverse("posts:feed")),
    ]


def build_menu() -> Menu:
    """
    The header's and the footer's entries in order, each with its visible
    children (one query). An entry readers cannot follow (its page a draft, its
    target deleted) is left out with its children. While no top-level entry is
    set for the header, the header shows ``default_header()``.
    """
    items = list(MenuItem.objects.for_rendering())
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
