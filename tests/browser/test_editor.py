"""
An editor writes an article body in Chromium with the rich-text editor
(posts/static/posts/editor.js): formatting by keyboard, a link (a javascript:
one refused), a list, a table, an image from the library and a quotation;
saves; and readers see them. No console error, no CSP violation. Screenshots
of the article form at 1366 and 390 pixels go to /tmp/editor/.
"""

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image as PillowImage

from markup.html import ARTICLE, clean
from posts.editor import ArticleBodyForm
from posts.models import Article, Image
from posts.rendering import render_body
from tests.factories import ArticleFactory, OutletFactory, QuotationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
SCREENSHOTS = Path("/tmp/editor")  # noqa: S108 - screenshots for a person to look at


def png(width=1600, height=900) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), (20, 60, 120)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def desk():
    editor = UserFactory(username="editor", is_staff=True, password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    article = ArticleFactory(
        title="Turnout Is Won Early",
        slug="turnout-is-won-early",
        status=Article.Status.DRAFT,
        body="Organizing starts early.\nEvery year.",
    )
    QuotationFactory(
        article=article,
        order=1,
        speaker="Marcus Bell",
        outlet=OutletFactory(name="Politico"),
        text="Contact rates doubled.",
    )
    # Uploaded as through the admin: re-encoded, with renditions (Image.save).
    image = Image.objects.create(
        file=ContentFile(png(), name="rally.png"),
        alt_text="A crowd at the rally",
        caption="The rally",
        credit="Photo: Ana Ruiz",
    )
    Image.objects.create(file=ContentFile(png(600, 400), name="hall.png"), alt_text="An empty hall")
    return {"article": article, "image": image}


def log_in(page):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def open_form(page, article):
    page.goto(f"/admin/posts/article/{article.pk}/change/")
    body = page.locator(".prose-editor .tiptap.ProseMirror")
    body.wait_for()
    return body


def menu_button(page, name):
    return page.locator(f".prose-menubar button[data-name='{name}']")


def test_editor_writes_a_formatted_body_readers_see(page, desk, console_errors):
    article = desk["article"]
    log_in(page)
    body = open_form(page, article)
    # The text body is opened as the paragraphs it renders to.
    assert body.inner_html() == "<p>Organizing starts early.<br>Every year.</p>"

    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Where the votes are")
    page.keyboard.press("Control+Alt+2")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Knock on ")
    page.keyboard.press("Control+b")
    page.keyboard.type("every door")
    page.keyboard.press("Control+b")
    page.keyboard.type(". Read the report")
    for _ in range(len("the report")):
        page.keyboard.press("Shift+ArrowLeft")

    # A javascript: address is refused with a message; an https one makes the link.
    menu_button(page, "link").click()
    address = page.get_by_label("Address")
    address.fill("javascript:alert(document.domain)")
    address.press("Enter")
    assert "Only web (http://, https://) and email (mailto:) addresses" in (
        page.locator("dialog[open] .body-editor-error").inner_text()
    )
    assert address.get_attribute("aria-invalid") == "true"
    assert body.locator("a").count() == 0
    address.fill("https://example.org/report")
    address.press("Enter")
    page.locator("dialog").wait_for(state="detached")
    assert body.locator("a").get_attribute("href") == "https://example.org/report"

    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Shift+8")
    page.keyboard.type("Door by door")
    page.keyboard.press("Enter")
    page.keyboard.type("Week by week")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")

    menu_button(page, "quotation").click()
    page.get_by_role("button", name="Quotation 1 — Marcus Bell").click()

    menu_button(page, "libraryImage").click()
    picker = page.locator("dialog.body-editor-dialog")
    picker.get_by_label("Search the library").fill("rally")
    picker.get_by_role("button", name="Insert: A crowd at the rally").click()
    picker.wait_for(state="detached")

    menu_button(page, "table").click()
    table_dialog = page.locator("dialog[open]")
    table_dialog.locator("input").nth(0).fill("2")
    table_dialog.locator("input").nth(1).fill("2")
    table_dialog.locator("button[type=submit], input[type=submit]").first.click()
    page.keyboard.type("Precinct")
    page.keyboard.press("Tab")
    page.keyboard.type("Turnout")

    page.set_viewport_size({"width": 1366, "height": 900})
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "article-form-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SCREENSHOTS / "article-form-390.png", full_page=True)
    page.locator(".prose-editor").screenshot(path=SCREENSHOTS / "article-body-390.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.select_option("#id_status", "published")
    page.locator("input[name=_continue]").first.click()
    page.wait_for_load_state("load")
    page.locator(".messagelist .success").wait_for()

    article.refresh_from_db()
    assert article.body_format == Article.BodyFormat.HTML
    assert article.body == article.body_html
    assert list(article.body_images.all()) == [desk["image"]]
    assert "<table><tbody><tr><td><p>Precinct</p></td>" in article.body

    page.goto(article.get_absolute_url())
    content = page.locator("main")
    assert content.locator("h2", has_text="Where the votes are").count() == 1
    assert content.locator("strong", has_text="every door").count() == 1
    assert content.locator("a[href='https://example.org/report']").inner_text() == "the report"
    assert content.locator("ul li").all_inner_texts()[:2] == ["Door by door", "Week by week"]
    assert "Contact rates doubled." in content.inner_text()
    assert "[quote 1]" not in content.inner_text()
    figure = content.locator("figure", has=page.locator("img[alt='A crowd at the rally']"))
    assert figure.locator("figcaption").inner_text() == "The rally — Photo: Ana Ruiz"
    assert "400w" in figure.locator("img").get_attribute("srcset")
    assert figure.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert content.locator("table td").all_inner_texts()[:2] == ["Precinct", "Turnout"]
    assert "javascript" not in page.content()
    assert console_errors == []


def test_picker_is_usable_by_keyboard(page, desk, console_errors):
    log_in(page)
    body = open_form(page, desk["article"])
    body.click()
    page.keyboard.press("Control+End")
    # A keystroke the editor handles itself makes it read the caret's new place now (a bare
    # Control+End reaches it only with the next "selectionchange", which may come after the
    # focus has moved to the toolbar).
    page.keyboard.type("x")
    page.keyboard.press("Backspace")
    menu_button(page, "libraryImage").focus()
    page.keyboard.press("Enter")
    search = page.get_by_label("Search the library")
    assert search.evaluate("element => element === document.activeElement")
    search.fill("hall")
    # The search narrows the list (the picker first lists the newest images).
    page.get_by_role("button", name="Insert: A crowd at the rally").wait_for(state="detached")
    choice = page.get_by_role("button", name="Insert: An empty hall")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "picker-1366.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SCREENSHOTS / "picker-390.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.keyboard.press("Tab")
    assert choice.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert body.locator("figure img[alt='An empty hall']").count() == 1
    src, srcset = _sources(Image.objects.get(alt_text="An empty hall"))
    # The figure, and the caret waiting in a paragraph after it.
    assert (
        page.locator("#id_body")
        .input_value()
        .endswith(
            f'<figure><img src="{src}" srcset="{srcset}" sizes="(max-width: 800px) 100vw, 800px" '
            'alt="An empty hall" width="600" height="400"></figure><p></p>'
        )
    )
    # Escape closes the picker and gives the focus back to the body.
    menu_button(page, "libraryImage").click()
    page.keyboard.press("Escape")
    assert page.locator("dialog[open]").count() == 0
    assert console_errors == []


def _sources(image):
    sources = image.sources()
    return sources["src"], sources["srcset"]


def editor_output(page, html: str) -> str:
    """What the editor submits for ``html`` once ProseMirror has read it."""
    return page.evaluate(
        """(html) => {
            const editor = window.strategistBodyEditors[0];
            editor.commands.setContent(html);
            return editor.getHTML();
        }""",
        html,
    )


def paste(page, html: str) -> None:
    page.evaluate(
        """(html) => {
            const target = document.querySelector(".prose-editor .tiptap.ProseMirror");
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "pasted");
            target.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }));
        }""",
        html,
    )


@pytest.mark.parametrize("source", ["word", "google docs"])
def test_pasting_from_word_or_google_docs_keeps_only_the_allowed_markup(page, desk, source):
    from tests.posts.test_body_editor import GOOGLE_DOCS_CLIPBOARD, WORD_CLIPBOARD

    log_in(page)
    body = open_form(page, desk["article"])
    body.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    paste(page, WORD_CLIPBOARD if source == "word" else GOOGLE_DOCS_CLIPBOARD)
    submitted = page.locator("#id_body").input_value()
    for leftover in ("style", "class=", "<span", "<o:p", "mso-", "<!--", "<meta", "<b "):
        assert leftover not in submitted
    # Exactly what the allow-list keeps: the server's cleaning changes nothing.
    assert clean(submitted, ARTICLE) == submitted
    if source == "word":
        assert "<strong>Field notes</strong>" in submitted.replace("\n", " ")
        assert "<em>rose</em>" in submitted
        assert "<table><tbody><tr><td" in submitted and "Ward" in submitted
    else:
        assert "<h2>Where the votes are</h2>" in submitted
        assert '<a href="https://example.org/r">report</a>' in submitted
        assert "<ul><li><p>Door by door</p></li></ul>" in submitted


def _same_rendering(html: str) -> str:
    """Whitespace between tags and after a line break shows nothing: left out to compare."""
    return re.sub(r"<br>\s+", "<br>", re.sub(r">\s+<", "><", html)).strip()


def test_demo_bodies_go_through_the_editor_unchanged(page, desk):
    call_command("load_demo", stdout=io.StringIO())
    articles = list(Article.objects.filter(body_format=Article.BodyFormat.TEXT))
    assert len(articles) > 5
    log_in(page)
    open_form(page, desk["article"])
    for article in articles:
        opened = ArticleBodyForm(instance=article).initial["body"]
        submitted = editor_output(page, opened)
        saved = render_body(submitted, html=True)
        assert saved == submitted, article.title  # nothing outside the allow-list
        assert _same_rendering(saved) == _same_rendering(article.body_html), article.title


def test_the_library_list_shows_thumbnails_at_both_widths(page, desk, console_errors):
    log_in(page)
    page.goto("/admin/posts/image/")
    thumbnails = page.locator("img.library-thumbnail")
    assert thumbnails.count() == 2
    assert thumbnails.first.evaluate("img => img.complete && img.naturalWidth > 0")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=SCREENSHOTS / "library-1366.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SCREENSHOTS / "library-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert console_errors == []
