"""
A WordPress site's menu, imported (issue 16), in Chromium: the header takes
its entries without sideways scrolling at 1366 and 390 px, and a page entry
leads to the imported page. Screenshots in /tmp/wordpress-menu-screens/.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.shared, pytest.mark.django_db(transaction=True)]

EXPORT = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "wordpress-theme-unit-test.xml"
SCREENS = Path("/tmp/wordpress-menu-screens")  # noqa: S108 - screenshots for a person to look at


@pytest.fixture
def imported(settings):
    if not EXPORT.is_file():
        pytest.skip(f"the real WordPress export {EXPORT} is missing (../shared)")
    settings.TIME_ZONE = "America/New_York"
    call_command("import_wordpress", str(EXPORT), stdout=io.StringIO())
    SCREENS.mkdir(exist_ok=True)


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("desktop", {"width": 1366, "height": 800}), ("phone", {"width": 390, "height": 844})],
)
def test_the_imported_menu_fits_and_leads_to_the_pages(new_context, imported, name, viewport):
    context = new_context(viewport=viewport)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/")
    if name == "phone":
        page.locator("header .site-menu > summary").click()
    header = page.locator("header")
    link = header.get_by_role("link", name="About The Tests", exact=True)
    assert link.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=SCREENS / f"{name}.png")
    link.click()
    page.wait_for_url("**/about/")
    assert page.get_by_role("heading", level=1).inner_text() == "About The Tests"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=SCREENS / f"{name}-about.png")
    assert errors == []
