"""
The editors' desk in Chromium: autosave restored after a reload, the
unsaved-changes prompt, a preview of unsaved changes in a new tab, comparing
and restoring a revision, a tag made by typing and Enter, and the save
button's words and dates. Screenshots of the change form and the compare
screen at 1366 and 390 pixels wide (in /tmp/desk-screens/), with no sideways
scrolling. Fixtures: tests/playwright_fixtures.py.
"""

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import reversion
from django.contrib.auth.models import Group
from django.utils import timezone

from posts.admin import ArticleAdmin
from posts.models import Article, Tag
from tests.factories import ArticleFactory, AuthorFactory, TagFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery staple"
# Where the screenshots go, to be looked at (the directory is made).
SCREENS = Path(tempfile.gettempdir()) / "desk-screens"
WIDTHS = {"desktop": 1366, "phone": 390}


@pytest.fixture
def editor():
    user = UserFactory(username="editor", is_staff=True, password=PASSWORD)
    user.groups.add(Group.objects.get(name="Editors"))  # See tests/conftest.py.
    return user


@pytest.fixture(autouse=True)
def _screens_directory():
    SCREENS.mkdir(exist_ok=True)


@pytest.fixture
def fast_autosave(monkeypatch):
    """Autosave checks the form every 200 ms instead of 3 s (its data-interval)."""
    monkeypatch.setattr(ArticleAdmin, "autosave_interval_ms", 200)


def log_in(page, next_url):
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(next_url.split("?")[0]) + "$"))


def change_url(article):
    return f"/admin/posts/article/{article.pk}/change/"


def save_button(page):
    return page.locator('input[name="_save"]').last


def no_sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_autosave_is_offered_and_restored_after_a_reload(page, editor, fast_autosave):
    article = ArticleFactory(title="The saved title", authors=[AuthorFactory()])
    log_in(page, change_url(article))
    page.on("dialog", lambda dialog: dialog.accept())  # "Leave site?" on reload.
    page.fill("#id_title", "Words typed but never saved")
    page.wait_for_selector(".autosave-status:has-text('Autosaved at')")
    page.reload()
    restore = page.get_by_role("link", name=re.compile(r"^Restore the autosave from \d\d:\d\d$"))
    assert restore.is_visible()
    assert page.input_value("#id_title") == "The saved title"
    restore.click()
    page.wait_for_url(re.compile(r"\?autosave=restore$"))
    assert page.input_value("#id_title") == "Words typed but never saved"
    article.refresh_from_db()
    assert article.title == "The saved title"
    # Saving for real removes the offer.
    save_button(page).click()
    page.wait_for_url(re.compile(r"/admin/posts/article/$"))
    page.goto(change_url(article))
    assert page.input_value("#id_title") == "Words typed but never saved"
    assert page.get_by_text("Restore the autosave").count() == 0


def test_words_typed_in_the_body_editor_are_autosaved_and_restored(page, editor, fast_autosave):
    article = ArticleFactory(title="Body test", body="The saved paragraph.")
    log_in(page, change_url(article))
    page.on("dialog", lambda dialog: dialog.accept())
    body = page.locator(".prose-editor .tiptap.ProseMirror")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    # At once (one input event): an autosave taken mid-word would be a correct one too.
    page.keyboard.insert_text("A paragraph only the autosave has.")
    page.wait_for_selector(".autosave-status:has-text('Autosaved at')")
    page.reload()
    assert "A paragraph only the autosave has." not in body.inner_text()
    page.get_by_role("link", name=re.compile(r"^Restore the autosave from")).click()
    page.wait_for_url(re.compile(r"\?autosave=restore$"))
    assert "A paragraph only the autosave has." in body.inner_text()
    assert "The saved paragraph." in body.inner_text()


def test_discard_removes_the_autosave(page, editor, fast_autosave):
    article = ArticleFactory(title="Kept title")
    log_in(page, change_url(article))
    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("#id_title", "Throwaway")
    page.wait_for_selector(".autosave-status:has-text('Autosaved at')")
    page.reload()
    page.get_by_role("button", name="Discard").click()
    page.wait_for_selector("text=Autosave discarded.")
    page.reload()
    assert page.get_by_text("Restore the autosave").count() == 0


def test_leaving_with_unsaved_changes_asks_first(page, editor):
    article = ArticleFactory(title="Steady title")
    log_in(page, change_url(article))
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    # Nothing changed: leaving asks nothing.
    page.get_by_role("link", name="History").click()
    page.wait_for_url(re.compile(r"/history/$"))
    assert dialogs == []
    page.go_back()
    page.fill("#id_title", "Changed, not saved")
    page.locator(".breadcrumbs a", has_text="Home").click()
    page.wait_for_timeout(300)  # The prompt was answered "stay": no navigation follows.
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(change_url(article))
    # Saving is not leaving: no prompt.
    save_button(page).click()
    page.wait_for_url(re.compile(r"/admin/posts/article/$"))
    assert dialogs == ["beforeunload"]


def test_preview_of_unsaved_changes_opens_in_a_new_tab(page, editor):
    article = ArticleFactory(title="Published title", status=Article.Status.PUBLISHED)
    log_in(page, change_url(article))
    page.fill("#id_title", "A title only in the form")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview").last.click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.get_by_role("heading", level=1).inner_text() == "A title only in the form"
    assert "Preview of what is in the form, not saved" in preview.inner_text("main")
    assert "Comments are closed." not in preview.inner_text("main")
    article.refresh_from_db()
    assert article.title == "Published title"
    # The form is still there, unsaved, and leaving it still asks.
    assert page.input_value("#id_title") == "A title only in the form"


def test_compare_and_restore_a_revision(page, editor):
    article = ArticleFactory(
        title="First title", body="The old coalition holds.", body_format="text"
    )
    for title, body in [
        ("First title", "The old coalition holds."),
        ("Second title", "The new coalition holds."),
    ]:
        with reversion.create_revision():
            reversion.set_user(editor)
            article.title, article.body = title, body
            article.save()
    log_in(page, f"/admin/posts/article/{article.pk}/history/")
    rows = page.locator("#change-history tbody tr")
    assert rows.count() == 2
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENS / f"history-{name}.png"), full_page=True)
        assert no_sideways_scroll(page), name
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r"/history/compare/\?"))
    assert page.locator(".compare-text del", has_text="old").first.is_visible()
    assert page.locator(".compare-text ins", has_text="new").first.is_visible()
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENS / f"compare-{name}.png"), full_page=True)
        assert no_sideways_scroll(page), name
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name=re.compile(r"^Restore the version of")).click()
    page.wait_for_url(re.compile(r"/change/$"))
    assert "Restored the version of" in page.inner_text(".messagelist")
    article.refresh_from_db()
    assert article.title == "First title"
    page.goto(f"/admin/posts/article/{article.pk}/history/")
    assert page.locator("#change-history tbody tr").count() == 3


def test_a_new_tag_is_made_by_typing_and_enter(page, editor):
    TagFactory(name="Senate")
    article = ArticleFactory(title="Tags by typing", authors=[AuthorFactory()])
    log_in(page, change_url(article))
    opened = []
    page.context.on("page", lambda new_page: opened.append(new_page))
    field = page.locator(".field-tags .select2-selection")
    field.click()
    page.keyboard.type("Climate policy")
    page.wait_for_selector(".select2-results__option:has-text('Climate policy (new tag)')")
    page.keyboard.press("Enter")
    assert page.locator(
        ".field-tags .select2-selection__choice", has_text="Climate policy"
    ).is_visible()
    assert page.locator("#add_id_tags").count() == 0  # No green "+" pop-up.
    save_button(page).click()
    page.wait_for_url(re.compile(r"/admin/posts/article/$"))
    assert opened == []
    tag = Tag.objects.get(name="Climate policy")
    assert tag.slug == "climate-policy"
    assert list(article.tags.all()) == [tag]


def test_the_save_button_says_what_will_happen(new_context, editor):
    context = new_context(timezone_id="America/New_York")
    page = context.new_page()
    article = ArticleFactory(
        title="A draft from last week",
        status=Article.Status.DRAFT,
        pub_date=timezone.now() - timedelta(days=8),
        authors=[AuthorFactory()],
        tags=[TagFactory()],
    )
    log_in(page, change_url(article))
    assert save_button(page).input_value() == "Save draft"
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENS / f"change-form-{name}.png"), full_page=True)
        assert no_sideways_scroll(page), name
    page.set_viewport_size({"width": 1366, "height": 900})
    page.select_option("#id_status", "published")
    assert save_button(page).input_value() == "Publish"
    tomorrow = timezone.localtime() + timedelta(days=1)
    page.fill("#id_pub_date_0", tomorrow.strftime("%Y-%m-%d"))
    page.fill("#id_pub_date_1", "09:00:00")
    label = f"Schedule for {tomorrow.day} {tomorrow.strftime('%b')}, 09:00"
    assert save_button(page).input_value() == label
    page.select_option("#id_status", "draft")
    assert save_button(page).input_value() == "Save draft"
    # Published with last week's time: dated now, and said.
    page.select_option("#id_status", "published")
    page.fill("#id_pub_date_0", (timezone.localtime() - timedelta(days=8)).strftime("%Y-%m-%d"))
    assert save_button(page).input_value() == "Publish"
    before = timezone.now()
    save_button(page).click()
    page.wait_for_url(re.compile(r"/admin/posts/article/$"))
    assert "Article published." in page.inner_text(".messagelist")
    article.refresh_from_db()
    assert article.pub_date >= before - timedelta(seconds=1)
    assert article.is_published()
    # Now published: the button says Update.
    page.goto(change_url(article))
    assert save_button(page).input_value() == "Update"
