"""
The trash in Chromium: a reader gets the styled 410 page at a trashed article's
address (desktop and phone widths, no sideways scrolling); an editor moves an
article to the trash with the Delete button and restores it from the Trash view.
Screenshots go to /tmp/trash-*.png.
"""

import re
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.factories import ArticleFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery staple"
WIDTHS = (1366, 390)


def screenshot(page, name: str) -> None:
    """Kept for a person to look at, in the temporary directory (/tmp/trash-*.png)."""
    page.screenshot(path=Path(tempfile.gettempdir()) / f"trash-{name}.png", full_page=True)


@pytest.fixture
def editor():
    user = UserFactory(username="editor", is_staff=True, password=PASSWORD)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reader_gets_the_styled_410_page(new_context, width):
    article = ArticleFactory(title="A Column Withdrawn")
    article.move_to_trash()
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "status of 410" not in message.text
            else None
        ),
    )
    response = page.goto(article.get_absolute_url())
    assert response.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "This article was removed"
    assert "A Column Withdrawn" not in page.content()
    assert page.get_by_label("Search the articles").is_visible()
    assert no_sideways_scroll(page)
    screenshot(page, f"410-{width}")
    assert errors == []  # no CSP violation, no script error


def log_in(page):
    page.goto("/admin/login/?next=/admin/posts/article/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/posts/article/$"))


@pytest.mark.parametrize("width", WIDTHS)
def test_an_editor_trashes_and_restores_an_article(new_context, editor, width):
    article = ArticleFactory(title="Second Thoughts")
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page)
    page.goto(f"/admin/posts/article/{article.pk}/change/")
    page.get_by_role("link", name="Move to the trash").first.click()
    page.wait_for_url(re.compile(r"/delete/$"))
    assert no_sideways_scroll(page)
    screenshot(page, f"confirm-{width}")
    page.get_by_role("button", name="Move to the trash").click()
    page.wait_for_url(re.compile(r"/admin/posts/article/$"))
    assert "was moved to the trash" in page.inner_text(".messagelist")
    assert page.locator("#result_list").count() == 0 or "Second Thoughts" not in page.inner_text(
        "#result_list"
    )
    page.get_by_role("link", name="In the trash", exact=True).click()
    page.wait_for_url(re.compile(r"trash=yes"))
    row = page.locator("#result_list tr", has_text="Second Thoughts")
    assert "editor" in row.inner_text()
    assert no_sideways_scroll(page)
    screenshot(page, f"view-{width}")
    row.locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "restore_from_trash")
    page.get_by_role("button", name="Go").click()
    assert "Restored 1 article from the trash" in page.inner_text(".messagelist")
    article.refresh_from_db()
    assert not article.is_trashed
