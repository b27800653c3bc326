"""Editors arrange the menu in the admin; Moderators may not touch it."""

import pytest
from django.contrib.auth.models import Group

from menus.models import MenuItem
from tests.factories import MenuItemFactory, PageFactory, TagFactory
from tests.query_budget import assert_budget

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/menus/menuitem/"
ADD = "/admin/menus/menuitem/add/"
# The session, the user, the Editors' permissions, the masthead (admin header),
# the count and the rows (with their targets, parent and page visibility).
CHANGELIST_BUDGET = 7


def form_data(**fields):
    """The add/change form's POST: a top-level entry and no children."""
    data = {
        "label": "",
        "kind": "url",
        "placement": "header",
        "order": "0",
        "parent": "",
        "page": "",
        "tag": "",
        "outlet": "",
        "author": "",
        "url": "",
        "children-TOTAL_FORMS": "0",
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "0",
        "children-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


def child_forms(*children):
    data = {"children-TOTAL_FORMS": str(len(children))}
    for index, child in enumerate(children):
        for name in ["id", "label", "kind", "page", "tag", "outlet", "author", "url", "order"]:
            data[f"children-{index}-{name}"] = child.get(name, "")
    return data


def test_the_editors_group_has_exactly_the_menu_permissions_of_menus():
    editors = Group.objects.get(name="Editors")
    codenames = set(
        editors.permissions.filter(content_type__app_label="menus").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"add_menuitem", "change_menuitem", "delete_menuitem", "view_menuitem"}
    # posts' own permissions are still there.
    assert editors.permissions.filter(content_type__app_label="posts", codename="add_article")


def test_moderators_have_no_menu_permission():
    moderators = Group.objects.get(name="Moderators")
    assert not moderators.permissions.filter(content_type__app_label="menus").exists()


def test_posts_remaking_the_editors_group_then_menus_keeps_both(django_db_blocker):
    from django.apps import apps

    from menus.signals import give_editors_the_menu
    from posts.signals import create_editors

    create_editors(apps.get_app_config("posts"))
    give_editors_the_menu(apps.get_app_config("menus"))
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(content_type__app_label="menus").count() == 4
    assert editors.permissions.filter(content_type__app_label="posts", codename="add_article")


def test_a_moderator_cannot_see_or_change_the_menu(moderator_client):
    entry = MenuItemFactory()
    assert moderator_client.get(CHANGELIST).status_code == 403
    assert moderator_client.get(ADD).status_code == 403
    assert moderator_client.post(ADD, form_data(label="X", url="/x/")).status_code == 403
    assert moderator_client.get(f"{CHANGELIST}{entry.pk}/delete/").status_code == 403
    assert b"Site menu" not in moderator_client.get("/admin/").content


def test_an_editor_adds_an_entry_with_children_inline(editor_client):
    page = PageFactory(slug="about", title="About us")
    data = form_data(label="About", kind="page", page=str(page.pk), placement="both")
    data.update(
        child_forms(
            {"label": "Team", "kind": "url", "url": "/about/team/", "order": "1"},
            {"label": "Polls", "kind": "tag", "tag": str(TagFactory().pk), "order": "2"},
        )
    )
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    about = MenuItem.objects.get(label="About")
    assert about.page == page
    assert [(c.label, c.kind) for c in about.children.order_by("order")] == [
        ("Team", "url"),
        ("Polls", "tag"),
    ]


def test_form_errors_are_shown_beside_the_fields_and_the_words_kept(editor_client):
    response = editor_client.post(
        ADD, form_data(label="Donate to our fund", kind="url", url="javascript:alert(1)")
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["url"]
    html = response.content.decode()
    assert "Donate to our fund" in html
    assert "javascript:alert(1)" in html
    assert not MenuItem.objects.exists()


def test_a_missing_target_is_an_error_beside_its_field(editor_client):
    response = editor_client.post(ADD, form_data(label="About", kind="page"))
    assert response.context["adminform"].form.errors["page"] == ["A page entry needs this."]


def test_a_child_cannot_be_chosen_as_a_parent(editor_client):
    top = MenuItemFactory(label="Top")
    child = MenuItemFactory(label="Child", parent=top)
    response = editor_client.post(ADD, form_data(label="Deep", url="/d/", parent=str(child.pk)))
    assert "parent" in response.context["adminform"].form.errors
    assert not MenuItem.objects.filter(label="Deep").exists()


def test_an_entry_beneath_another_has_no_children_inline(editor_client):
    top = MenuItemFactory(label="Top")
    child = MenuItemFactory(label="Child", parent=top)
    assert (
        "children-TOTAL_FORMS"
        in editor_client.get(f"{CHANGELIST}{top.pk}/change/").content.decode()
    )
    assert (
        "children-TOTAL_FORMS"
        not in editor_client.get(f"{CHANGELIST}{child.pk}/change/").content.decode()
    )


def test_an_editor_deletes_an_entry(editor_client):
    entry = MenuItemFactory()
    response = editor_client.post(f"{CHANGELIST}{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not MenuItem.objects.exists()


def test_the_list_shows_entries_in_menu_order_children_after_their_parent(editor_client):
    second = MenuItemFactory(label="Second", order=2)
    MenuItemFactory(label="First", order=1)
    MenuItemFactory(label="Under second", parent=second, order=1)
    MenuItemFactory(label="Third", order=3)
    html = editor_client.get(CHANGELIST).content.decode()
    positions = [html.index(label) for label in ["First", "Second", "↳ Under second", "Third"]]
    assert positions == sorted(positions)
    assert "Header (beneath “Second”)" in html


def test_the_list_flags_entries_readers_do_not_see(editor_client):
    MenuItemFactory(kind="page", page=PageFactory(title="Draft page", status="draft"), url="")
    tag = TagFactory()
    MenuItemFactory(kind="tag", tag=tag, url="")
    tag.delete()
    html = editor_client.get(CHANGELIST).content.decode()
    assert "Draft page (not published: hidden until it is)" in html
    assert "Nothing: its tag was deleted (hidden)" in html


def test_the_list_runs_the_same_queries_for_3_and_30_entries(editor_client):
    def add(count):
        for n in range(count):
            kind = ["page", "tag", "url"][n % 3]
            MenuItemFactory(
                kind=kind,
                page=PageFactory() if kind == "page" else None,
                tag=TagFactory() if kind == "tag" else None,
                url="/x/" if kind == "url" else "",
            )

    add(3)
    editor_client.get(CHANGELIST)
    assert_budget(editor_client, CHANGELIST, CHANGELIST_BUDGET, lambda: add(27))
