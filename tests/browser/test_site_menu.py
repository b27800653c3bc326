"""
The site menu in Chromium: behind a "Menu" button at 390 px (with and without
JavaScript, by keyboard), a row with a dropdown at 1366 px; no sideways
scrolling. Screenshots in /tmp/menu-screens/.
"""

from pathlib import Path

import pytest

from menus.models import MenuItem
from tests.factories import ArticleFactory, MenuItemFactory, PageFactory, TagFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path("/tmp/menu-screens")  # noqa: S108 - screenshots for a person to look at
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}


@pytest.fixture
def site():
    about = PageFactory(title="About us", slug="about")
    PageFactory(title="Our team", slug="team", parent=about)
    ArticleFactory(title="The suburban realignment", tags=[TagFactory(name="Suburbs")])
    Kind = MenuItem.Kind
    MenuItemFactory(label="Latest", url="/", order=1)
    top = MenuItemFactory(label="About", kind=Kind.PAGE, page=about, url="", order=2)
    MenuItemFactory(label="Our team", url="/about/team/", parent=top, order=1)
    MenuItemFactory(label="Comment policy", url="/about/", parent=top, order=2)
    MenuItemFactory(label="Archives", kind=Kind.ARCHIVES, url="", order=3)
    MenuItemFactory(label="Tags", kind=Kind.TAG_INDEX, url="", order=4)
    MenuItemFactory(label="RSS", url="/feed/", order=5)
    MenuItemFactory(
        label="About",
        kind=Kind.PAGE,
        page=about,
        url="",
        order=6,
        placement=MenuItem.Placement.FOOTER,
    )


def open_page(new_context, viewport, javascript=True):
    context = new_context(viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/")
    return page, errors


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def tab_to(page, predicate: str, limit: int = 30) -> None:
    """Press Tab until ``predicate`` (JS, about document.activeElement) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {predicate}")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_on_a_phone_the_menu_button_opens_the_menu_by_keyboard_and_an_entry_is_followed(
    new_context, site, javascript
):
    page, errors = open_page(new_context, PHONE, javascript)
    menu = page.locator("header .site-menu-list")
    button = page.locator("header .site-menu > summary")
    assert button.is_visible() and button.inner_text().strip() == "Menu"
    assert not menu.is_visible()
    assert no_sideways_scroll(page)
    name = "with" if javascript else "without"
    page.screenshot(path=SCREENS / f"phone-closed-{name}-js.png", full_page=True)

    tab_to(page, "el.tagName === 'SUMMARY'")
    page.keyboard.press("Enter")
    assert menu.is_visible()
    # Children are listed beneath their parent, reachable without hovering.
    assert page.locator("header").get_by_role("link", name="Our team").is_visible()
    assert no_sideways_scroll(page)
    page.screenshot(path=SCREENS / f"phone-open-{name}-js.png", full_page=True)

    tab_to(page, "el.textContent === 'Tags'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tags/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tags"
    assert page.get_by_role("link", name="Suburbs").is_visible()
    # Closing again with the button.
    page.locator("header .site-menu > summary").click()
    assert page.locator("header .site-menu-list").is_visible()
    page.locator("header .site-menu > summary").click()
    assert not page.locator("header .site-menu-list").is_visible()
    assert errors == []


def test_on_a_desktop_the_menu_is_a_row_with_a_keyboard_dropdown(new_context, site):
    page, errors = open_page(new_context, DESKTOP)
    header = page.locator("header")
    assert not page.locator("header .site-menu > summary").is_visible()
    for label in ["Latest", "About", "Archives", "Tags", "RSS"]:
        assert header.get_by_role("link", name=label, exact=True).is_visible(), label
    tops = [header.get_by_role("link", name=n, exact=True) for n in ["Latest", "RSS"]]
    assert tops[0].bounding_box()["y"] == tops[1].bounding_box()["y"]  # one row
    team = header.get_by_role("link", name="Our team")
    assert not team.is_visible()  # until the dropdown opens
    assert no_sideways_scroll(page)
    page.screenshot(path=SCREENS / "desktop.png")

    tab_to(page, "el.textContent === 'About' && !!el.closest('header')")
    assert team.is_visible()  # focus inside "About" opens its dropdown
    page.screenshot(path=SCREENS / "desktop-dropdown.png")
    page.keyboard.press("Tab")
    assert team.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url("**/about/team/")
    assert page.get_by_role("heading", level=1).inner_text() == "Our team"

    page.goto("/")
    header.get_by_role("link", name="About", exact=True).hover()
    assert team.is_visible()
    footer = page.locator("footer")
    assert footer.get_by_role("link", name="About").is_visible()
    assert errors == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_the_tag_index_and_a_tagged_home_page_fit_the_screen(new_context, site, viewport):
    page, _ = open_page(new_context, viewport)
    assert page.locator(".summary-tags").first.is_visible()
    assert no_sideways_scroll(page)
    page.screenshot(path=SCREENS / f"home-{viewport['width']}.png", full_page=True)
    page.goto("/tags/")
    assert no_sideways_scroll(page)
    page.screenshot(path=SCREENS / f"tags-{viewport['width']}.png", full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_the_quick_start_sites_menu_reaches_its_pages(new_context, viewport):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    page, errors = open_page(new_context, viewport)
    if viewport is PHONE:
        page.locator("header .site-menu > summary").click()
    assert no_sideways_scroll(page)
    page.screenshot(path=SCREENS / f"demo-{viewport['width']}.png")
    page.locator("header").get_by_role("link", name="Comment policy").click()
    page.wait_for_url("**/comment-policy/")
    assert page.get_by_role("heading", level=1).inner_text() == "Comment policy"
    assert errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_an_editor_adds_an_entry_beneath_about_and_readers_see_it(new_context, site, viewport):
    import re

    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    password = "correct horse battery staple"
    editor = UserFactory(username="menu-editor", is_staff=True, password=password)
    editor.groups.add(Group.objects.get(name="Editors"))
    about = MenuItem.objects.get(label="About", parent=None, placement="header")
    page = new_context(viewport=viewport).new_page()
    page.goto(f"/admin/login/?next=/admin/menus/menuitem/{about.pk}/change/")
    page.fill("#id_username", "menu-editor")
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(rf"/admin/menus/menuitem/{about.pk}/change/$"))
    page.screenshot(path=SCREENS / f"admin-entry-{viewport['width']}.png", full_page=True)
    if viewport is DESKTOP:
        assert no_sideways_scroll(page)

    page.locator("#children-group .add-row a").click()
    row = page.locator("#children-group .dynamic-children").last
    row.locator("input[name$='-label']").fill("History")
    row.locator("select[name$='-kind']").select_option("url")
    row.locator("input[name$='-url']").fill("javascript:alert(1)")
    row.locator("input[name$='-order']").fill("3")
    page.locator('input[name="_save"]').click()
    # Refused beside the field, the words kept.
    error = page.locator("#children-group .errorlist").first
    error.wait_for()
    assert "https://" in error.inner_text()
    page.screenshot(path=SCREENS / f"admin-error-{viewport['width']}.png", full_page=True)
    row = page.locator("#children-group .inline-related").filter(
        has=page.locator("input[value='History']")
    )
    row.locator("input[name$='-url']").fill("/about/history/")
    page.locator('input[name="_save"]').click()
    page.wait_for_url(re.compile(r"/admin/menus/menuitem/$"))
    page.screenshot(path=SCREENS / f"admin-list-{viewport['width']}.png", full_page=True)
    assert page.get_by_role("link", name="↳ History").is_visible()

    page.goto("/")
    if viewport is PHONE:
        page.locator("header .site-menu > summary").click()
    else:
        page.locator("header").get_by_role("link", name="About", exact=True).hover()
    history = page.locator("header").get_by_role("link", name="History")
    assert history.is_visible()
    assert history.get_attribute("href") == "/about/history/"
