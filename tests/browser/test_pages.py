"""
An editor creates a nested page in the admin with the rich-text editor (no
"Insert quotation" button), picks its parent by typing, is told beside the slug
that a reserved one is refused, publishes it, and readers see it at its
address; the page and the comment policy link at 1366 and 390 pixels, without
sideways scrolling. Screenshots go to /tmp/pages/.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from posts.models import Page
from tests.factories import ArticleFactory, PageFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
SCREENSHOTS = Path("/tmp/pages")  # noqa: S108 - screenshots for a person to look at
WIDTHS = {"1366": (1366, 900), "390": (390, 844)}


@pytest.fixture
def editor():
    user = UserFactory(username="editor", is_staff=True, password=PASSWORD)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def log_in(page):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def shoot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        assert no_sideways_scrolling(page), (name, label)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_an_editor_creates_a_nested_page_readers_see(page, editor, console_errors):
    PageFactory(title="About", slug="about", dek="Who we are.")
    log_in(page)
    page.goto("/admin/posts/page/add/")
    body = page.locator(".prose-editor .tiptap.ProseMirror")
    body.wait_for()
    assert page.locator(".prose-menubar button[data-name='libraryImage']").count() == 1
    assert page.locator(".prose-menubar button[data-name='quotation']").count() == 0

    page.fill("#id_title", "Our team")
    # The parent, chosen by typing (the admin's autocomplete).
    page.locator(".field-parent .select2-selection").click()
    page.locator(".select2-search__field").fill("Abo")
    page.locator(".select2-results__option", has_text="About").click()
    body.click()
    page.keyboard.type("The people who edit the journal")
    page.keyboard.press("Control+Alt+2")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Margaret edits; ")
    page.keyboard.press("Control+b")
    page.keyboard.type("Daniel")
    page.keyboard.press("Control+b")
    page.keyboard.type(" reads the polls.")
    page.select_option("#id_status", "published")
    page.fill("#id_slug", "feed")
    assert page.input_value("#id_slug") == "feed"
    shoot(page, "page-form")

    # Under a parent "feed" is fine; at the top it is refused beside the slug.
    page.locator(".field-parent .select2-selection__clear").click()
    page.locator("input[name=_save]").first.click()
    page.wait_for_load_state("load")
    error = page.locator(".field-slug .errorlist")
    assert "is an address of the site" in error.inner_text()
    assert "Daniel" in page.locator(".prose-editor .tiptap.ProseMirror").inner_text()
    shoot(page, "page-form-error")

    page.fill("#id_slug", "team")
    assert page.input_value("#id_slug") == "team"
    page.locator(".field-parent .select2-selection").click()
    page.locator(".select2-search__field").fill("Abo")
    page.locator(".select2-results__option", has_text="About").click()
    page.locator("input[name=_save]").first.click()
    page.wait_for_url(re.compile(r"/admin/posts/page/$"))
    assert Page.objects.get(slug="team").path == "about/team"

    page.goto("/about/team/")
    main = page.locator("main")
    assert main.locator("h1").inner_text() == "Our team"
    assert main.locator("h2", has_text="The people who edit the journal").count() == 1
    assert main.locator("strong").inner_text() == "Daniel"
    assert main.locator("nav.page-parent a").get_attribute("href") == "/about/"
    shoot(page, "page-nested")
    page.get_by_role("link", name="About", exact=True).first.click()
    page.wait_for_url(re.compile(r"/about/$"))
    section = page.locator("nav.page-children")
    assert section.get_by_role("link", name="Our team").get_attribute("href") == "/about/team/"
    shoot(page, "page-parent")
    assert console_errors == []


def test_the_comment_form_links_the_comment_policy(page, console_errors):
    PageFactory(
        title="Comment policy",
        slug="comment-policy",
        body="We want the comments to be worth reading.\n\nWhat we remove: personal attacks.",
    )
    article = ArticleFactory()
    page.goto(article.get_absolute_url())
    link = page.get_by_role("link", name="comment policy")
    link.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.locator("#respond").screenshot(path=SCREENSHOTS / f"comment-form-{label}.png")
        assert no_sideways_scrolling(page)
    link.click()
    page.wait_for_url(re.compile(r"/comment-policy/$"))
    assert page.locator("h1").inner_text() == "Comment policy"
    shoot(page, "comment-policy")
    assert console_errors == []


def test_the_demo_pages_and_a_search_finding_one(page, console_errors):
    call_command("load_demo", stdout=StringIO())
    for path in ["/about/", "/masthead/", "/comment-policy/"]:
        page.goto(path)
        assert page.locator("h1").count() == 1
        shoot(page, path.strip("/"))
    page.goto("/search/?q=moderator")
    pages = page.locator("section.search-pages")
    assert pages.get_by_role("link", name="Comment policy").count() == 1
    shoot(page, "search")
    assert console_errors == []
