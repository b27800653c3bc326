"""
A reader finds and reads articles in Chromium; an editor previews a draft.
Fixtures (live server, Chromium, no internet) come from tests/playwright_fixtures.py.
"""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from posts.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    OutletFactory,
    QuotationFactory,
    TagFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def site():
    author = AuthorFactory(name="Ruth Lindqvist", slug="ruth-lindqvist")
    tag = TagFactory(name="Turnout", slug="turnout")
    politico = OutletFactory(name="Politico", slug="politico")
    article = ArticleFactory(
        title="Turnout Is a Year-Round Job",
        slug="turnout-is-a-year-round-job",
        dek="Voters are won long before October.",
        body="Organizing starts early.\n\n[quote 1]\n\nIt never stops.",
        authors=[author],
        tags=[tag],
        pub_date=timezone.now() - timedelta(days=1),
    )
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (20, 50, 120)).save(buffer, format="PNG")
    article.featured_image = ContentFile(buffer.getvalue(), name="field.png")
    article.featured_image_alt = "Volunteers at a folding table."
    article.save()
    QuotationFactory(
        article=article,
        outlet=politico,
        order=1,
        speaker="Marcus Bell",
        source_url="https://www.politico.com/news/example",
        text="Contact rates doubled.",
    )
    ArticleFactory(title="Plain Words Win", pub_date=timezone.now() - timedelta(days=2))
    draft = ArticleFactory(title="Secret Draft", slug="secret-draft", status=Article.Status.DRAFT)
    return {"article": article, "draft": draft}


def test_reader_reads_follows_a_source_and_searches(page, site, console_errors):
    page.goto("/")
    assert page.title().startswith("The Democratic Strategist")
    page.get_by_role("link", name="Turnout Is a Year-Round Job").click()
    page.wait_for_url(re.compile(r"/\d{4}/\d{2}/turnout-is-a-year-round-job/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Turnout Is a Year-Round Job"

    quote = page.locator("blockquote")
    assert quote.get_attribute("cite") == "https://www.politico.com/news/example"
    assert "Contact rates doubled." in quote.inner_text()
    attribution = page.locator(".attribution")
    assert attribution.inner_text() == "Marcus Bell reports at Politico"
    assert (
        attribution.get_by_role("link", name="Marcus Bell reports").get_attribute("href")
        == "https://www.politico.com/news/example"
    )

    # The featured image loads, from a rendition sized for the layout.
    image = page.get_by_role("img", name="Volunteers at a folding table.")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert re.search(r"-(400|800|1200)w\.webp$", image.evaluate("img => img.currentSrc"))

    page.get_by_role("link", name="Politico").click()
    page.wait_for_url(re.compile(r"/source/politico/$"))
    assert page.get_by_role("link", name="Turnout Is a Year-Round Job").is_visible()

    page.get_by_label("Search articles").fill("plain words")
    page.get_by_label("Search articles").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=plain\+words"))
    assert page.get_by_role("link", name="Plain Words Win").is_visible()
    assert page.locator(".search-count").inner_text() == "1 article found.", page.inner_text("main")
    assert console_errors == []


def test_skip_link_moves_focus_to_the_content(page, site):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()  # Shown when focused.
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_phone_layout_has_no_horizontal_scroll(new_context, site):
    page = new_context(viewport={"width": 375, "height": 800}).new_page()
    page.goto(site["article"].get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_unknown_and_draft_pages_are_the_styled_404(page, site):
    response = page.goto(site["draft"].get_absolute_url())
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.get_by_label("Search the articles").is_visible()


def test_editor_previews_a_draft_from_the_admin(page, site):
    editor = UserFactory(username="editor", is_staff=True, password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))  # See tests/conftest.py.
    page.goto("/admin/login/?next=/admin/posts/article/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/posts/article/$"))
    row = page.locator("tr", has_text="Secret Draft")
    with page.context.expect_page() as opened:
        row.get_by_role("link", name="Preview").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.get_by_role("heading", level=1).inner_text() == "Secret Draft"
    assert "Preview: readers cannot see this draft article" in preview.inner_text("main")
