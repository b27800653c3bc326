"""The quick-start publication's menu, added by menus when posts' load_demo says it has loaded."""

from io import StringIO

import pytest
from django.core.management import call_command

from menus.models import MenuItem
from tests.factories import MenuItemFactory

pytestmark = pytest.mark.django_db


def load_demo():
    call_command("load_demo", stdout=StringIO())


def menu_rows():
    return list(
        MenuItem.objects.order_by("order").values_list(
            "pk", "label", "kind", "page__path", "url", "placement", "parent"
        )
    )


def test_the_demo_menu_links_the_pages_and_browsing_and_repeating_changes_nothing(client):
    load_demo()
    rows = menu_rows()
    assert [(label, kind, path, url, where) for _, label, kind, path, url, where, _ in rows] == [
        ("Latest", "url", None, "/", "header"),
        ("About", "page", "about", "", "both"),
        ("Masthead", "page", "masthead", "", "both"),
        ("Comment policy", "page", "comment-policy", "", "both"),
        ("Archives", "archives", None, "", "header"),
        ("Tags", "tag_index", None, "", "header"),
        ("RSS", "url", None, "/feed/", "header"),
    ]
    for item in MenuItem.objects.all():
        item.full_clean()
    html = client.get("/").content.decode()
    for href, label in [
        ("/", "Latest"),
        ("/about/", "About"),
        ("/masthead/", "Masthead"),
        ("/comment-policy/", "Comment policy"),
        ("/archives/", "Archives"),
        ("/tags/", "Tags"),
        ("/feed/", "RSS"),
    ]:
        assert f'<a href="{href}"' in html and f">{label}</a>" in html
        assert client.get(href).status_code == 200, href
    load_demo()
    assert menu_rows() == rows


def test_the_demo_leaves_an_editors_menu_alone():
    MenuItemFactory(label="Our own menu")
    load_demo()
    assert list(MenuItem.objects.values_list("label", flat=True)) == ["Our own menu"]
