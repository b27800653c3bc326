"""
An imported block-editor post read in Chromium (tests/fixtures/wordpress/structure.xml):
its table, linked players and notes fit the page at desktop and phone widths
(no sideways scrolling), and the notes' anchors work both ways.
"""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from posts.models import Article

STRUCTURE = Path(__file__).parents[1] / "fixtures" / "wordpress" / "structure.xml"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_imported_structure_reads_well(live_server, new_context, width):
    call_command("import_wordpress", str(STRUCTURE), stdout=io.StringIO())
    article = Article.objects.get(wordpress_id=301)
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + article.get_absolute_url())

    body = page.locator("article")
    assert body.locator("table th[colspan='2']").count() == 1
    assert body.locator("figure a[href='https://media.example.net/rally.mp4']").is_visible()
    page.screenshot(
        path=Path(tempfile.gettempdir()) / f"wordpress-structure-{width}.png", full_page=True
    )
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # Reference -> note -> back to the reference.
    page.locator("sup a[href='#fn-5c1d-note-a']").click()
    assert page.url.endswith("#fn-5c1d-note-a")
    note = page.locator("#fn-5c1d-note-a")
    assert "Counted by the county clerk." in note.inner_text()
    note.locator("a[href='#fnref-5c1d-note-a']").click()
    assert page.url.endswith("#fnref-5c1d-note-a")
    assert page.locator("#fnref-5c1d-note-a").is_visible()
    assert errors == []
