"""
What menus does when things change: a changed menu entry drops every cached page
(the menu is on all of them); the Editors group gets the menu's permissions
after every migrate; the demo publication gets its menu when posts' load_demo
says it has loaded.
"""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save

import pagecache
from menus.models import MenuItem
from posts.models import Page
from posts.signals import demo_loaded
from security.groups import grant_permissions

EDITORS = "Editors"
EDITOR_PERMISSIONS = ["add_menuitem", "change_menuitem", "delete_menuitem", "view_menuitem"]


def menu_changed(sender, **kwargs) -> None:
    """Every page shows the menu: redraw them all."""
    pagecache.invalidate_all()


def give_editors_the_menu(sender: AppConfig, using: str = "default", **kwargs) -> None:
    """The Editors group (made by posts) may add, change, delete and view menu entries."""
    grant_permissions(EDITORS, "menus", EDITOR_PERMISSIONS, using=using)


HEADER, BOTH = MenuItem.Placement.HEADER, MenuItem.Placement.BOTH
# The quick-start menu: (label, kind, target, where). Pages are looked up by path.
DEMO_MENU = [
    ("Latest", MenuItem.Kind.URL, "/", HEADER),
    ("About", MenuItem.Kind.PAGE, "about", BOTH),
    ("Masthead", MenuItem.Kind.PAGE, "masthead", BOTH),
    ("Comment policy", MenuItem.Kind.PAGE, "comment-policy", BOTH),
    ("Archives", MenuItem.Kind.ARCHIVES, "", HEADER),
    ("Tags", MenuItem.Kind.TAG_INDEX, "", HEADER),
    ("RSS", MenuItem.Kind.URL, "/feed/", HEADER),
]


def add_demo_menu(sender=None, **kwargs) -> None:
    """
    The demo's menu (the pages also in the footer), only on a site without any
    menu entry: running load_demo again, or after an editor arranged the menu,
    changes nothing. A demo page that does not exist is left out.
    """
    if MenuItem.objects.exists():
        return
    pages = Page.objects.in_bulk(
        [target for _, kind, target, _ in DEMO_MENU if kind == MenuItem.Kind.PAGE],
        field_name="path",
    )
    entries = []
    for order, (label, kind, target, where) in enumerate(DEMO_MENU, start=1):
        if kind == MenuItem.Kind.PAGE and target not in pages:
            continue
        entries.append(
            MenuItem(
                label=label,
                kind=kind,
                page=pages.get(target) if kind == MenuItem.Kind.PAGE else None,
                url=target if kind == MenuItem.Kind.URL else "",
                order=order * 10,
                placement=where,
            )
        )
    for entry in entries:
        entry.full_clean()
        entry.save()


def connect(app_config: AppConfig) -> None:
    post_save.connect(menu_changed, sender=MenuItem, dispatch_uid="menus-changed-save")
    post_delete.connect(menu_changed, sender=MenuItem, dispatch_uid="menus-changed-delete")
    post_migrate.connect(give_editors_the_menu, sender=app_config, dispatch_uid="menus-editors")
    demo_loaded.connect(add_demo_menu, dispatch_uid="menus-demo")
