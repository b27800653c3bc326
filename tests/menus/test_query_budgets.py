"""The menu costs one query per uncached page, however many entries of whatever kinds."""

import pytest
from django.test import Client

from comments.models import DiscussionSettings
from menus.models import MenuItem
from posts.models import SiteSettings
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    MenuItemFactory,
    OutletFactory,
    PageFactory,
    TagFactory,
)
from tests.posts.test_query_budgets import LIST_PAGE_QUERIES, MENU_QUERIES
from tests.query_budget import assert_budget, exact_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _measure_the_views(settings):
    settings.PAGE_CACHE_ENABLED = False
    SiteSettings.load()
    DiscussionSettings.load()


def add_entries_of_every_kind():
    Kind = MenuItem.Kind
    for n in range(4):
        top = MenuItemFactory(
            kind=Kind.PAGE, page=PageFactory(), url="", placement=MenuItem.Placement.BOTH
        )
        MenuItemFactory(kind=Kind.TAG, tag=TagFactory(), url="", parent=top)
        MenuItemFactory(kind=Kind.OUTLET, outlet=OutletFactory(), url="", parent=top)
        MenuItemFactory(kind=Kind.AUTHOR, author=AuthorFactory(), url="")
        MenuItemFactory(kind=Kind.ARCHIVES, url="", placement=MenuItem.Placement.FOOTER)
        MenuItemFactory(kind=Kind.TAG_INDEX, url="", parent=top)
        MenuItemFactory(label=f"Address {n}", url=f"https://example.org/{n}")
    MenuItemFactory(kind=Kind.PAGE, page=PageFactory(status="draft"), url="")


def test_the_home_page_costs_the_same_with_the_default_menu_and_29_entries():
    ArticleFactory(tags=[TagFactory()])
    _, full = assert_budget(Client(), "/", LIST_PAGE_QUERIES["home"], add_entries_of_every_kind)
    assert "Address 3" in full


def test_the_menu_is_read_in_one_query_once_per_render():
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from menus.context_processors import menu

    add_entries_of_every_kind()
    request = RequestFactory().get("/")
    context = menu(request)
    with exact_queries(MENU_QUERIES):
        render_to_string("menus/header.html", context)
        render_to_string("menus/footer.html", context)
