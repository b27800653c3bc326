"""A menu entry's rules: the one target its kind needs, followable addresses, one level deep."""

import pytest
from django.core.exceptions import ValidationError

from menus.menu import build_menu
from menus.models import MenuItem
from tests.factories import (
    AuthorFactory,
    MenuItemFactory,
    OutletFactory,
    PageFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

Kind = MenuItem.Kind


def errors_of(item: MenuItem) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize("field", ["page", "tag", "outlet", "author", "url"])
def test_each_kind_needs_its_own_target_with_the_message_beside_that_field(field):
    kind = {"page": Kind.PAGE, "tag": Kind.TAG, "outlet": Kind.OUTLET}.get(field)
    kind = kind or {"author": Kind.AUTHOR, "url": Kind.URL}[field]
    errors = errors_of(MenuItem(label="Entry", kind=kind))
    assert list(errors) == [field]
    assert errors[field] == [f"A {Kind(kind).label.lower()} entry needs this."]


def test_targets_the_kind_does_not_use_are_refused_beside_each_field():
    item = MenuItem(
        label="Polls",
        kind=Kind.TAG,
        tag=TagFactory(),
        author=AuthorFactory(),
        outlet=OutletFactory(),
        url="/feed/",
    )
    errors = errors_of(item)
    assert sorted(errors) == ["author", "outlet", "url"]
    assert errors["url"] == ["Leave this empty: a tag entry does not use it."]


@pytest.mark.parametrize("kind", [Kind.ARCHIVES, Kind.TAG_INDEX])
def test_archives_and_tag_index_need_no_target_and_refuse_one(kind):
    MenuItem(label="Browse", kind=kind).full_clean()
    assert list(errors_of(MenuItem(label="Browse", kind=kind, page=PageFactory()))) == ["page"]


@pytest.mark.parametrize(
    "url", ["https://example.org/donate", "http://example.org/", "/feed/", "/about/team/"]
)
def test_addresses_readers_can_follow_are_accepted(url):
    MenuItem(label="Go", kind=Kind.URL, url=url).full_clean()


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "//evil.example/", "ftp://example.org/", "about us", "/a b/", "data:x"],
)
def test_other_addresses_are_refused_with_a_message(url):
    errors = errors_of(MenuItem(label="Go", kind=Kind.URL, url=url))
    assert list(errors) == ["url"]
    assert ("https://" in errors["url"][0]) or ("spaces" in errors["url"][0])


def test_a_grandchild_is_refused_beside_the_parent_field():
    top = MenuItemFactory(label="About")
    child = MenuItemFactory(label="Team", parent=top)
    errors = errors_of(MenuItem(label="Alumni", kind=Kind.URL, url="/alumni/", parent=child))
    assert list(errors) == ["parent"]
    assert "one level deep" in errors["parent"][0]
    assert "“Team” is itself beneath “About”" in errors["parent"][0]


def test_an_entry_with_children_cannot_move_beneath_another():
    top, other = MenuItemFactory(), MenuItemFactory()
    MenuItemFactory(parent=top)
    top.parent = other
    assert "has entries beneath it" in errors_of(top)["parent"][0]


def test_an_entry_cannot_be_beneath_itself():
    top = MenuItemFactory()
    top.parent = top
    assert errors_of(top)["parent"] == ["An entry cannot be beneath itself."]


def test_every_kind_links_where_it_says():
    page = PageFactory(slug="about")
    tag, outlet, author = (
        TagFactory(slug="polls"),
        OutletFactory(slug="politico"),
        AuthorFactory(slug="ruth"),
    )
    items = [
        MenuItemFactory(kind=Kind.PAGE, page=page, url=""),
        MenuItemFactory(kind=Kind.TAG, tag=tag, url=""),
        MenuItemFactory(kind=Kind.OUTLET, outlet=outlet, url=""),
        MenuItemFactory(kind=Kind.AUTHOR, author=author, url=""),
        MenuItemFactory(kind=Kind.ARCHIVES, url=""),
        MenuItemFactory(kind=Kind.TAG_INDEX, url=""),
        MenuItemFactory(kind=Kind.URL, url="https://example.org/donate"),
    ]
    for item in items:
        item.full_clean()
    assert [entry.url for entry in build_menu().header] == [
        "/about/",
        "/tag/polls/",
        "/source/politico/",
        "/author/ruth/",
        "/archives/",
        "/tags/",
        "https://example.org/donate",
    ]


def test_a_site_without_a_header_menu_shows_latest_archives_tags_rss():
    assert [(e.label, e.url) for e in build_menu().header] == [
        ("Latest", "/"),
        ("Archives", "/archives/"),
        ("Tags", "/tags/"),
        ("RSS", "/feed/"),
    ]
    MenuItemFactory(label="Colophon", placement=MenuItem.Placement.FOOTER)
    menu = build_menu()
    assert [e.label for e in menu.header] == ["Latest", "Archives", "Tags", "RSS"]
    assert [e.label for e in menu.footer] == ["Colophon"]


def test_entries_in_order_with_children_where_their_parent_is_shown():
    about = MenuItemFactory(label="About", order=2, placement=MenuItem.Placement.BOTH)
    MenuItemFactory(label="Latest", order=1)
    MenuItemFactory(label="Team", parent=about, order=2)
    MenuItemFactory(label="History", parent=about, order=1)
    MenuItemFactory(label="Privacy", order=3, placement=MenuItem.Placement.FOOTER)
    menu = build_menu()
    assert [e.label for e in menu.header] == ["Latest", "About"]
    assert [c.label for c in menu.header[1].children] == ["History", "Team"]
    assert [e.label for e in menu.footer] == ["About", "Privacy"]
    assert [c.label for c in menu.footer[0].children] == ["History", "Team"]


def test_a_draft_page_entry_is_hidden_until_the_page_is_published():
    page = PageFactory(slug="about", status="draft")
    MenuItemFactory(label="Latest")
    MenuItemFactory(label="About", kind=Kind.PAGE, page=page, url="")
    assert [e.label for e in build_menu().header] == ["Latest"]
    page.status = "published"
    page.save()
    assert [e.label for e in build_menu().header] == ["Latest", "About"]


def test_a_deleted_target_leaves_its_entry_hidden_with_its_children_not_deleted():
    tag = TagFactory()
    MenuItemFactory(label="Latest")
    entry = MenuItemFactory(label="Polls", kind=Kind.TAG, tag=tag, url="")
    MenuItemFactory(label="Beneath", parent=entry)
    tag.delete()
    entry.refresh_from_db()
    assert entry.tag_id is None
    assert [e.label for e in build_menu().header] == ["Latest"]
    assert MenuItem.objects.count() == 3


def test_the_default_header_follows_the_sites_script_prefix():
    from django.urls import clear_script_prefix, set_script_prefix

    assert [e.url for e in build_menu().header] == ["/", "/archives/", "/tags/", "/feed/"]
    set_script_prefix("/magazine/")
    try:
        urls = [e.url for e in build_menu().header]
    finally:
        clear_script_prefix()
    assert urls == ["/magazine/", "/magazine/archives/", "/magazine/tags/", "/magazine/feed/"]
    assert [e.url for e in build_menu().header][0] == "/"


def test_the_menu_reads_a_renamed_target_at_once():
    tag = TagFactory(slug="polls")
    MenuItemFactory(label="Polls", kind=Kind.TAG, tag=tag, url="")
    assert [e.url for e in build_menu().header] == ["/tag/polls/"]
    tag.slug = "polling"
    tag.save()
    assert [e.url for e in build_menu().header] == ["/tag/polling/"]
