"""
The trash (issue 13, part 4): deleting an article or a page in the admin moves
it to the trash; readers get 410 Gone at its address (and at its old WordPress
addresses) and no longer find it in any list; editors restore it for
TRASH_RETENTION_DAYS days; then the daily job deletes it for good, with its
comments.
"""

import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from posts import trash
from posts.models import Article, Page, SiteSettings
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    OutletFactory,
    PageFactory,
    QuotationFactory,
    TagFactory,
    UserFactory,
)
from tests.posts.test_query_budgets import ARTICLE_CHANGELIST_BUDGET, LIST_PAGE_QUERIES
from tests.query_budget import assert_budget
from tests.query_plans import build_publication, captured_queries, unindexed_queries
from wordpress.models import LegacyRedirect, WordPressItem, WordPressSite

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/posts/article/"
TRASH_URL = "/admin/posts/article/?trash=yes"
PAGE_LIST_URL = "/admin/posts/page/"


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user)
    return client


def trashed_article(**kwargs):
    article = ArticleFactory(**kwargs)
    article.move_to_trash()
    return article


# --- The model: what "in the trash" means ---


def test_moving_to_the_trash_records_when_and_who_and_hides_the_article(editor):
    article = ArticleFactory()
    article.move_to_trash(editor)
    article.refresh_from_db()
    assert article.is_trashed
    assert article.trashed_by == editor
    assert not article.is_published()
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert list(Article.objects.trashed()) == [article]
    assert not Article.objects.not_trashed().exists()


def test_restoring_brings_the_article_back_as_it_was():
    draft = trashed_article(status=Article.Status.DRAFT)
    published = trashed_article()
    draft.restore()
    published.restore()
    assert not Article.objects.trashed().exists()
    assert list(Article.objects.published()) == [published]
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert draft.trashed_by is None


def test_a_trashed_scheduled_article_never_appears_by_itself():
    article = ArticleFactory(pub_date=timezone.now() + timedelta(hours=2))
    article.move_to_trash()
    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=False):
        assert not Article.objects.published().exists()


def test_a_page_goes_to_the_trash_with_the_pages_under_it_and_comes_back_with_them():
    about = PageFactory(slug="about")
    team = PageFactory(slug="team", parent=about)
    other = PageFactory(slug="contact")
    about.move_to_trash()
    assert set(Page.objects.trashed()) == {about, team}
    assert list(Page.objects.published()) == [other]
    team.refresh_from_db()
    team.restore()  # Restoring a page under a trashed one restores that one too.
    assert not Page.objects.trashed().exists()


# --- Readers: 410 Gone, not 404 ---


def test_readers_get_410_gone_at_a_trashed_articles_address(client):
    SiteSettings.load()
    article = trashed_article(title="A mistaken column")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "This article was removed" in html
    assert "A mistaken column" not in html
    assert SiteSettings.load().name in html  # the site's chrome
    assert '<meta name="robots" content="noindex">' in html


def test_staff_who_may_preview_also_get_410_for_a_trashed_article(editor_client):
    article = trashed_article()
    assert editor_client.get(article.get_absolute_url()).status_code == 410


def test_an_address_that_never_had_an_article_is_still_404(client):
    trashed_article(slug="gone")
    now = timezone.localtime()
    assert client.get(f"/{now:%Y}/{now:%m}/never-was/").status_code == 404


def test_trashed_pages_and_the_pages_under_them_are_410(client, editor_client):
    about = PageFactory(slug="about")
    PageFactory(slug="team", parent=about)
    about.move_to_trash()
    for address in ("/about/", "/about/team/"):
        response = client.get(address)
        assert response.status_code == 410, address
        assert "This page was removed" in response.content.decode()
        assert editor_client.get(address).status_code == 410
    assert client.get("/never-a-page/").status_code == 404


def test_the_410_is_not_cached_and_a_restored_article_shows_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.load()
    article = ArticleFactory(title="Back from the trash")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        article.move_to_trash()  # drops the cached pages (posts.signals), once committed
    assert client.get(url).status_code == 410
    second = client.get(url)
    assert second.status_code == 410
    assert second.get("X-Page-Cache") != "hit"  # answered by the view again, never stored
    with django_capture_on_commit_callbacks(execute=True):
        article.restore()
    response = client.get(url)
    assert response.status_code == 200
    assert "Back from the trash" in response.content.decode()


def test_the_home_page_cached_with_an_article_drops_it_when_trashed(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.load()
    article = ArticleFactory(title="Soon in the trash")
    assert "Soon in the trash" in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        article.move_to_trash()
    assert "Soon in the trash" not in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.restore()
    assert "Soon in the trash" in client.get("/").content.decode()


# --- Every reader-facing list leaves trashed articles out ---


@pytest.fixture
def visible_and_trashed(settings):
    """A published article and a trashed one sharing a tag, an author and an outlet."""
    settings.PAGE_CACHE_ENABLED = False
    SiteSettings.load()
    tag = TagFactory(slug="turnout", name="Turnout")
    author = AuthorFactory(slug="ana")
    outlet = OutletFactory(slug="politico")
    when = timezone.now() - timedelta(days=2)
    visible = ArticleFactory(
        title="Visible turnout memo", tags=[tag], authors=[author], pub_date=when
    )
    gone = ArticleFactory(title="Trashed turnout memo", tags=[tag], authors=[author], pub_date=when)
    for article in (visible, gone):
        QuotationFactory(article=article, outlet=outlet)
        CommentFactory(article=article, body_html=f"<p>On {article.title}</p>")
    gone.move_to_trash()
    return visible, gone


def reader_urls(article):
    local = timezone.localtime(article.pub_date)
    return [
        "/",
        "/tag/turnout/",
        "/tag/turnout/feed/",
        "/author/ana/",
        "/source/politico/",
        f"/{local:%Y}/{local:%m}/",
        "/search/?q=turnout",
        "/feed/",
        "/feed/atom/",
        "/feed/comments/",
        f"/sitemap-articles-{local:%Y}-{local:%m}.xml",
    ]


def test_no_reader_list_shows_a_trashed_article(client, visible_and_trashed):
    visible, gone = visible_and_trashed
    for url in reader_urls(visible):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert gone.title not in text, url
        assert gone.get_absolute_url() not in text, url
        assert visible.title in text or visible.get_absolute_url() in text, url


def test_the_years_month_counts_leave_trashed_articles_out(client, visible_and_trashed):
    visible, _ = visible_and_trashed
    local = timezone.localtime(visible.pub_date)
    response = client.get(f"/{local:%Y}/")
    assert response.status_code == 200
    assert [count for _, count in response.context["months"]] == [1]


def test_a_month_with_only_trashed_articles_is_not_an_archive(client):
    when = timezone.now() - timedelta(days=400)
    trashed_article(pub_date=when)
    local = timezone.localtime(when)
    assert client.get(f"/{local:%Y}/{local:%m}/").status_code == 404
    assert client.get(f"/{local:%Y}/").status_code == 404


def test_a_trashed_articles_comment_feed_comment_pages_and_permalinks_are_gone(
    client, visible_and_trashed
):
    _, gone = visible_and_trashed
    url = gone.get_absolute_url()
    comment = gone.comments.get()
    # The article's own addresses answer 410 Gone; a comment's permalink is a 404.
    assert client.get(f"{url}feed/").status_code == 410
    assert client.get(f"{url}comment-page-1/").status_code == 410
    assert client.get(f"/comment/{comment.pk}/").status_code == 404


def test_a_trashed_page_leaves_the_search_and_the_sitemap(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    PageFactory(slug="turnout-guide", title="Turnout guide", body="All about turnout.")
    gone = PageFactory(slug="turnout-old", title="Old turnout guide", body="Turnout, old.")
    gone.move_to_trash()
    search = client.get("/search/?q=turnout").content.decode()
    assert "Turnout guide" in search
    assert "Old turnout guide" not in search
    sitemap = "".join(client.get(f"/sitemap-{name}.xml").content.decode() for name in ("pages",))
    assert "/turnout-guide/" in sitemap
    assert "/turnout-old/" not in sitemap


@pytest.mark.parametrize(
    ("page", "url"), [("home", "/"), ("tag", "/tag/turnout/"), ("feed", "/feed/")]
)
def test_trashed_articles_leave_the_lists_query_budgets_unchanged(settings, page, url):
    settings.PAGE_CACHE_ENABLED = False
    SiteSettings.load()
    tag = TagFactory(slug="turnout")
    ArticleFactory(tags=[tag])

    def trash_twenty():
        for _ in range(20):
            trashed_article(tags=[tag])

    with_none, with_twenty = assert_budget(Client(), url, LIST_PAGE_QUERIES[page], trash_twenty)
    assert with_none.count("<article") == with_twenty.count("<article")


# --- Old WordPress addresses of a trashed article ---


def test_old_addresses_of_a_trashed_article_answer_410(client):
    article = ArticleFactory(slug="why-turnout-matters", wordpress_id=101)
    # WordPress IDs are per site (issue 16): ?p= is looked up through WordPressItem.
    site = WordPressSite.objects.create(base_url="old.example.org")
    WordPressItem.objects.create(site=site, kind="post", wordpress_id=101, article=article)
    LegacyRedirect.objects.create(old_path="/2019/05/14/why-turnout-matters/", article=article)
    assert client.get("/2019/05/14/why-turnout-matters/").status_code == 301
    article.move_to_trash()
    for old in ("/2019/05/14/why-turnout-matters/", "/?p=101", "/2019/?p=101"):
        response = client.get(old)
        assert response.status_code == 410, old
        assert "This article was removed" in response.content.decode()
    article.restore()
    assert client.get("/?p=101").status_code == 301


# --- The admin: to the trash, the Trash view, restore, delete permanently ---


def test_the_delete_page_offers_to_move_to_the_trash(editor_client):
    article = ArticleFactory(title="Second thoughts")
    response = editor_client.get(f"{LIST_URL}{article.pk}/delete/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Move to the trash"' in html
    assert "restore it, as it is, for 30 days" in html
    assert "Are you sure you want to delete" not in html


def test_an_editor_deleting_an_article_moves_it_to_the_trash(editor_client, editor):
    article = ArticleFactory(title="Second thoughts")
    CommentFactory(article=article)
    response = editor_client.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "was moved to the trash" in response.content.decode()
    article.refresh_from_db()
    assert article.is_trashed and article.trashed_by == editor
    assert article.comments.count() == 1  # nothing deleted


def test_the_change_form_says_move_to_the_trash_and_warns_when_in_it(editor_client):
    article = ArticleFactory()
    html = editor_client.get(f"{LIST_URL}{article.pk}/change/").content.decode()
    assert ">Move to the trash</a>" in html
    article.move_to_trash()
    html = editor_client.get(f"{LIST_URL}{article.pk}/change/").content.decode()
    assert "is in the trash since" in html
    assert ">Move to the trash</a>" not in html  # editors cannot delete it for good


def test_the_bulk_action_moves_to_the_trash(editor_client):
    articles = ArticleFactory.create_batch(3)
    choices = editor_client.get(LIST_URL).context["action_form"].fields["action"].choices
    names = dict(choices)
    assert names["move_to_trash"] == "Move the selected articles to the trash"
    assert "delete_selected" not in names
    response = editor_client.post(
        LIST_URL,
        {"action": "move_to_trash", "_selected_action": [a.pk for a in articles[:2]]},
    )
    assert response.status_code == 302
    assert set(Article.objects.trashed()) == set(articles[:2])


def test_the_list_hides_the_trash_and_the_trash_view_lists_it(editor_client, editor):
    kept = ArticleFactory(title="Still here")
    gone = ArticleFactory(title="In the bin")
    gone.move_to_trash(editor)
    listed = editor_client.get(LIST_URL)
    assert [a.pk for a in listed.context["cl"].result_list] == [kept.pk]
    in_trash = editor_client.get(TRASH_URL)
    assert [a.pk for a in in_trash.context["cl"].result_list] == [gone.pk]
    html = in_trash.content.decode()
    assert "Deleted for good" in html
    assert '<td class="field-trashed_by_name">editor</td>' in html  # who moved it
    names = dict(in_trash.context["action_form"].fields["action"].choices)
    assert "restore_from_trash" in names
    assert "delete_selected" not in names  # editors cannot delete permanently
    assert "publish" not in names


def test_editors_restore_from_the_trash(editor_client):
    article = trashed_article()
    response = editor_client.post(
        TRASH_URL, {"action": "restore_from_trash", "_selected_action": [article.pk]}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.is_trashed
    assert article.is_published()


def test_editors_cannot_delete_permanently(editor_client):
    article = trashed_article()
    response = editor_client.post(
        TRASH_URL, {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"}
    )
    assert Article.objects.filter(pk=article.pk).exists()
    assert response.status_code in (200, 302)
    assert editor_client.get(f"{LIST_URL}{article.pk}/delete/").status_code == 403
    editor_client.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists()


def test_moderators_cannot_trash_articles(client):
    moderator = UserFactory(username="moderator", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    article = ArticleFactory()
    client.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"})
    client.post(LIST_URL, {"action": "move_to_trash", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert not article.is_trashed


def test_superusers_delete_permanently_from_the_trash_with_the_comments(superuser_client):
    article = trashed_article()
    CommentFactory.create_batch(2, article=article)
    names = dict(superuser_client.get(TRASH_URL).context["action_form"].fields["action"].choices)
    assert names["delete_selected"] == "Delete the selected articles permanently"
    confirm = superuser_client.post(
        TRASH_URL, {"action": "delete_selected", "_selected_action": [article.pk]}
    )
    assert confirm.status_code == 200
    assert "Comment" in confirm.content.decode()  # the confirmation lists what goes with it
    response = superuser_client.post(
        TRASH_URL, {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Article.objects.exists()
    assert not Comment.objects.exists()


def test_superusers_delete_for_good_only_what_is_in_the_trash(superuser_client):
    article = ArticleFactory()
    superuser_client.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"})
    article.refresh_from_db()
    assert article.is_trashed  # the first delete moves to the trash, for superusers too
    html = superuser_client.get(f"{LIST_URL}{article.pk}/delete/").content.decode()
    assert "Are you sure you want to delete" in html
    superuser_client.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"})
    assert not Article.objects.exists()


def test_editors_trash_and_restore_pages(editor_client):
    page = PageFactory(slug="masthead")
    response = editor_client.post(f"{PAGE_LIST_URL}{page.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.is_trashed
    editor_client.post(
        f"{PAGE_LIST_URL}?trash=yes",
        {"action": "restore_from_trash", "_selected_action": [page.pk]},
    )
    page.refresh_from_db()
    assert not page.is_trashed


def test_the_history_records_the_trip_to_the_trash(editor_client):
    article = ArticleFactory()
    editor_client.post(LIST_URL, {"action": "move_to_trash", "_selected_action": [article.pk]})
    editor_client.post(
        TRASH_URL, {"action": "restore_from_trash", "_selected_action": [article.pk]}
    )
    html = editor_client.get(f"{LIST_URL}{article.pk}/history/").content.decode()
    assert "Moved to the trash." in html
    assert "Restored from the trash." in html


def test_the_trash_view_adds_no_query_per_row(editor_client, editor):
    trashed_article().move_to_trash(editor)

    def twenty_more():
        for _ in range(20):
            ArticleFactory().move_to_trash(editor)

    editor_client.get(TRASH_URL)  # warm the session and permissions caches
    # The list's own budget: who moved each row there comes with the rows.
    _, twenty_one = assert_budget(editor_client, TRASH_URL, ARTICLE_CHANGELIST_BUDGET, twenty_more)
    assert twenty_one.count('name="_selected_action"') == 21


# --- The purge: the daily job deletes what stayed 30 days ---


def run_daily_jobs() -> str:
    out = io.StringIO()
    call_command("run_daily_jobs", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_daily_job_deletes_articles_trashed_30_days_ago_with_their_comments(
    django_capture_on_commit_callbacks,
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        old = ArticleFactory(title="Old mistake")
        CommentFactory.create_batch(3, article=old)
        old.move_to_trash()
        recent = ArticleFactory()
        CommentFactory(article=recent)
    with time_machine.travel(start + timedelta(days=29, hours=23), tick=False):
        recent.move_to_trash()
        assert "deleted 0 article(s)" in run_daily_jobs()
        assert Article.objects.filter(pk=old.pk).exists()
    with (
        time_machine.travel(start + timedelta(days=30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        out = run_daily_jobs()
    assert "deleted 1 article(s) with 3 comment(s) and 0 page(s)" in out
    assert list(Article.objects.all()) == [recent]
    assert list(Comment.objects.values_list("article", flat=True)) == [recent.pk]


def test_the_retention_is_a_setting(settings):
    settings.TRASH_RETENTION_DAYS = 7
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        article = trashed_article()
    with time_machine.travel(start + timedelta(days=7), tick=False):
        trash.purge_expired()
    assert not Article.objects.filter(pk=article.pk).exists()


def test_an_article_restored_in_time_is_never_purged():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        article = trashed_article()
    with time_machine.travel(start + timedelta(days=20), tick=False):
        article.restore()
    with time_machine.travel(start + timedelta(days=60), tick=False):
        run_daily_jobs()
    assert Article.objects.filter(pk=article.pk).exists()


def test_the_daily_job_deletes_trashed_pages_deepest_first():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        about = PageFactory(slug="about")
        PageFactory(slug="team", parent=about)
        about.move_to_trash()
    with time_machine.travel(start + timedelta(days=31), tick=False):
        purged = trash.purge_expired()
    assert purged.pages == 2
    assert not Page.objects.exists()


def test_a_trashed_page_holding_a_page_not_in_the_trash_is_kept():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        about = PageFactory(slug="about")
        about.move_to_trash()
        PageFactory(slug="team", parent=about)  # added under it later
    with time_machine.travel(start + timedelta(days=31), tick=False):
        purged = trash.purge_expired()
    assert (purged.pages, purged.kept) == (0, 1)
    assert Page.objects.count() == 2


def test_purging_drops_the_cached_pages_and_the_old_addresses(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.load()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        article = ArticleFactory(title="Purged for good", wordpress_id=5)
        LegacyRedirect.objects.create(old_path="/old-purged/", article=article)
        article.move_to_trash()
    with time_machine.travel(start + timedelta(days=31), tick=False):
        client.get("/")
        assert client.get("/")["X-Page-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            trash.purge_expired()
        assert client.get("/")["X-Page-Cache"] == "miss"
    assert not LegacyRedirect.objects.exists()


# --- At scale (PostgreSQL): the trash's queries are served by indexes ---


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's (EXPLAIN)"
)
def test_the_trash_is_found_by_indexes_at_scale(client, editor_client, settings):
    settings.PAGE_CACHE_ENABLED = False
    publication = build_publication()
    gone = publication["articles"][10]
    gone.move_to_trash()
    checks = [
        (client, gone.get_absolute_url(), 410),
        (client, "/", 200),
        (editor_client, TRASH_URL, 200),
    ]
    for browser, url, status in checks:
        with captured_queries() as queries:
            assert browser.get(url).status_code == status, url
        assert unindexed_queries(queries) == [], url
    with captured_queries() as queries:
        list(Article.objects.trash_expired(timezone.now() + timedelta(days=31)))
    assert unindexed_queries(queries) == []


# --- A slug or address held by something in the trash ---


def test_a_slug_taken_by_an_article_in_the_trash_says_so():
    gone = trashed_article(slug="second-thoughts")
    article = Article(title="Again", slug="second-thoughts", body="Text.", pub_date=gone.pub_date)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert error.value.message_dict["slug"] == [
        "An article in the trash has this slug in the same month: restore and edit it, or "
        "choose another slug."
    ]


def test_an_address_taken_by_a_page_in_the_trash_says_so():
    PageFactory(slug="masthead").move_to_trash()
    page = Page(title="Masthead", slug="masthead", body="Who we are.")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "(it is in the trash: restore it, or wait until it is deleted)" in str(
        error.value.message_dict["slug"]
    )
