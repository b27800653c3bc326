"""
Pages (About, Masthead, Comment policy): served at their path at any depth,
never over another address of the site, drafts previewed by staff only, in the
sitemap and the search, edited in the admin, loaded by the demo.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
import reversion
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from comments.models import DiscussionSettings
from posts.models import Image, ImageInUse, Page, SiteSettings
from posts.rendering import figure_html
from tests.factories import ArticleFactory, ImageFactory, PageFactory, TagFactory, UserFactory
from tests.posts.test_query_budgets import ARTICLE_PAGE_BUDGET
from tests.query_budget import assert_budget, exact_queries

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/posts/page/add/"


def page_form(**overrides):
    """POST data for the page add/change form (the editor sends HTML)."""
    data = {
        "title": "About us",
        "slug": "about",
        "parent": "",
        "dek": "Who we are.",
        "body": "<p>We write about strategy.</p>",
        "body_format": "html",
        "status": Page.Status.PUBLISHED,
        "menu_order": "0",
    }
    data.update(overrides)
    return data


def tree():
    """/about/, /about/team/, /about/team/alumni/."""
    about = PageFactory(title="About", slug="about")
    team = PageFactory(title="Our team", slug="team", parent=about)
    alumni = PageFactory(title="Alumni", slug="alumni", parent=team)
    return about, team, alumni


class TestAddresses:
    def test_pages_are_served_at_every_depth(self, client):
        about, team, alumni = tree()
        assert [p.get_absolute_url() for p in (about, team, alumni)] == [
            "/about/",
            "/about/team/",
            "/about/team/alumni/",
        ]
        for page in (about, team, alumni):
            response = client.get(page.get_absolute_url())
            assert response.status_code == 200
            assert f"<h1>{page.title}</h1>" in response.content.decode()
        # The parent is linked above a nested page's title.
        assert '<a href="/about/team/">Our team</a>' in client.get("/about/team/alumni/").text

    def test_a_page_lists_its_published_pages_in_their_order(self, client):
        about = PageFactory(slug="about", title="About")
        PageFactory(parent=about, slug="b", title="Second", menu_order=2)
        PageFactory(parent=about, slug="a", title="First", menu_order=1)
        PageFactory(parent=about, slug="c", title="Unfinished", status=Page.Status.DRAFT)
        PageFactory(parent=PageFactory(slug="other"), slug="d", title="Elsewhere")
        html = client.get("/about/").content.decode()
        assert (
            '<ul><li><a href="/about/a/">First</a></li><li><a href="/about/b/">Second</a></li></ul>'
            in html
        )
        assert "Unfinished" not in html and "Elsewhere" not in html
        assert "In this section" not in client.get("/about/a/").content.decode()

    def test_a_page_address_without_its_slash_redirects_to_it(self, client):
        PageFactory(slug="about")
        response = client.get("/about")
        assert response.status_code == 301
        assert response["Location"] == "/about/"

    def test_unknown_addresses_are_still_404(self, client):
        tree()
        for url in ["/no-such-page/", "/about/nobody/", "/team/", "/about/team/alumni/x/"]:
            response = client.get(url)
            assert response.status_code == 404, url
            assert "Page not found" in response.content.decode()

    def test_renaming_a_parent_moves_the_pages_under_it(self, client):
        about, team, alumni = tree()
        about.slug = "who-we-are"
        about.save()
        team.refresh_from_db()
        alumni.refresh_from_db()
        assert (team.path, alumni.path) == ("who-we-are/team", "who-we-are/team/alumni")
        assert client.get("/who-we-are/team/alumni/").status_code == 200
        assert client.get("/about/team/alumni/").status_code == 404

    def test_a_page_and_an_article_with_the_same_slug_coexist(self, client):
        article = ArticleFactory(slug="turnout", title="The turnout article")
        TagFactory(slug="turnout", name="Turnout")
        page = PageFactory(slug="turnout", title="The turnout page")
        page.full_clean()
        assert client.get("/turnout/").context["page"] == page
        assert "The turnout article" in client.get(article.get_absolute_url()).text
        assert client.get("/tag/turnout/").status_code == 200

    def test_the_same_slug_under_different_parents(self):
        about, other = PageFactory(slug="about"), PageFactory(slug="contact")
        PageFactory(slug="team", parent=about)
        same_slug = Page(title="Team", slug="team", parent=other, body="Text.")
        same_slug.full_clean()
        same_slug.save()
        assert same_slug.path == "contact/team"


class TestReservedSlugs:
    @pytest.mark.parametrize(
        "slug",
        [
            # From the URLconf.
            "admin",
            "feed",
            "search",
            "archives",
            "tag",
            "author",
            "source",
            "comments",
            "comment",
            "page",
            "media",
            # The fixed list.
            "static",
            "tags",
            "wp-admin",
            "wp-content",
            "sitemap",
            "sitemap-pages",
            "Feed",
        ],
    )
    def test_top_level_slugs_of_the_sites_addresses_are_refused(self, slug):
        page = Page(title="A page", slug=slug, body="Text.")
        with pytest.raises(ValidationError) as error:
            page.full_clean()
        assert list(error.value.message_dict) == ["slug"]
        assert "is an address of the site" in error.value.message_dict["slug"][0]

    def test_the_url_conf_first_segments_are_reserved(self):
        reserved = Page.reserved_first_segments()
        assert {"admin", "feed", "search", "archives", "tag", "author", "source"} <= reserved
        assert {"comments", "comment", "page", "robots.txt", "favicon.ico"} <= reserved

    def test_a_year_is_refused_at_the_top(self):
        page = Page(title="A year", slug="2024", body="Text.")
        with pytest.raises(ValidationError) as error:
            page.full_clean()
        assert "is a year" in error.value.message_dict["slug"][0]

    def test_reserved_words_are_fine_under_a_parent(self, client):
        about = PageFactory(slug="about")
        for slug in ["feeds", "2024", "search"]:
            page = Page(title=slug, slug=slug, parent=about, body="Text.", status="published")
            page.full_clean()
            page.save()
            assert client.get(f"/about/{slug}/").status_code == 200

    @pytest.mark.parametrize("slug", ["feed", "comment-page-2"])
    def test_the_addresses_under_every_page_are_refused_under_a_parent(self, slug):
        """/about/feed/ is the page's comment feed, /about/comment-page-2/ its comments."""
        about = PageFactory(slug="about")
        with pytest.raises(ValidationError) as error:
            Page(title="X", slug=slug, parent=about, body="Text.").full_clean()
        assert "is an address under every page" in error.value.message_dict["slug"][0]

    def test_a_taken_address_is_refused_beside_the_slug(self):
        PageFactory(slug="about")
        with pytest.raises(ValidationError) as error:
            Page(title="Again", slug="about", body="Text.").full_clean()
        assert "already has the address /about/" in error.value.message_dict["slug"][0]

    def test_a_page_cannot_sit_under_its_own_page(self):
        about, team, alumni = tree()
        about.parent = alumni
        with pytest.raises(ValidationError) as error:
            about.full_clean()
        assert list(error.value.message_dict) == ["parent"]

    def test_the_admin_says_so_beside_the_slug_and_keeps_the_text(self, admin_client):
        body = "<p>Words the editor must not lose.</p>"
        response = admin_client.post(ADD_URL, page_form(slug="feed", body=body))
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert "is an address of the site" in form.errors["slug"][0]
        assert "Words the editor must not lose." in response.content.decode()
        assert not Page.objects.exists()


class TestReaders:
    def test_drafts_are_404_for_readers_and_staff_without_page_access(self, client):
        draft = PageFactory(slug="draft", status=Page.Status.DRAFT)
        assert client.get(draft.get_absolute_url()).status_code == 404
        client.force_login(UserFactory(is_staff=True))
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_editors_preview_drafts(self, editor_client):
        draft = PageFactory(slug="draft", status=Page.Status.DRAFT, title="Not yet")
        response = editor_client.get(draft.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "Preview: readers cannot see this draft page" in html
        assert '<meta name="robots" content="noindex">' in html

    def test_a_published_page_has_no_preview_note_and_no_comments(self, client):
        page = PageFactory(slug="about")
        html = client.get(page.get_absolute_url()).content.decode()
        assert "Preview" not in html
        assert "noindex" not in html
        assert 'id="comments"' not in html and "Leave a Reply" not in html

    def test_canonical_and_open_graph(self, client):
        page = PageFactory(slug="about", title="About us", dek="Who we are.")
        response = client.get("/about/?utm_source=x")
        html = response.content.decode()
        url = "http://testserver/about/"
        assert f'<link rel="canonical" href="{url}">' in html
        assert f'<meta property="og:url" content="{url}">' in html
        assert '<meta property="og:type" content="website">' in html
        assert '<meta property="og:title" content="About us">' in html
        assert '<meta property="og:description" content="Who we are.">' in html
        assert '<meta name="description" content="Who we are.">' in html
        assert '<meta property="og:site_name" content="The Democratic Strategist">' in html
        assert f"<title>{page.title} · The Democratic Strategist</title>" in html

    def test_without_a_dek_the_body_describes_the_page(self, client):
        PageFactory(slug="about", dek="", body="Rivers &amp; roads <em>matter</em>.\n\nMore.")
        html = client.get("/about/").content.decode()
        assert '<meta property="og:description" content="Rivers &amp; roads matter. More.">' in html

    def test_the_body_is_cleaned_with_the_article_allow_list(self, client):
        PageFactory(
            slug="about",
            body_format="html",
            body='<p onclick="x()">Hi <script>alert(1)</script><strong>there</strong></p>',
        )
        html = client.get("/about/").content.decode()
        assert "<p>Hi <strong>there</strong></p>" in html
        assert "onclick" not in html and "alert(1)" not in html

    @pytest.mark.django_db(transaction=True)  # The page cache is invalidated on commit.
    def test_pages_are_cached_for_readers_until_a_page_changes(self, client):
        page = PageFactory(slug="about", title="Before")
        assert "Before" in client.get("/about/").content.decode()
        with exact_queries(0):
            assert "Before" in client.get("/about/").content.decode()
        page.title = "After"
        page.save()
        assert "After" in client.get("/about/").content.decode()


class TestLibraryImages:
    def test_a_page_records_its_images_and_a_published_one_protects_them(self, editor_client):
        image, other = ImageFactory(caption="The team"), ImageFactory()
        page = PageFactory(slug="about", title="About", body_format="html", body=figure_html(image))
        assert list(page.body_images.all()) == [image]
        with pytest.raises(ImageInUse) as refused:
            image.delete()
        assert refused.value.pages == [page]
        assert "“About”" in str(refused.value)
        html = editor_client.get(f"/admin/posts/image/{image.pk}/delete/").content.decode()
        assert 'shown by the published page <a href="/about/">About</a>' in html
        page.status = Page.Status.DRAFT
        page.save()
        image.delete()
        other.delete()
        assert not Image.objects.exists()


class TestQueryBudget:
    # The page with its parent (one join), the pages under it, the masthead
    # (with the comment policy's address), the site menu.
    PAGE_VIEW_BUDGET = 4
    ADMIN_LIST_BUDGET = 7

    @pytest.fixture(autouse=True)
    def _no_page_cache(self, settings):
        settings.PAGE_CACHE_ENABLED = False
        SiteSettings.load()

    def test_a_page_view_runs_the_same_queries_at_any_depth_and_number_of_pages(self):
        about, team, alumni = tree()

        def more_pages():
            for number in range(20):
                PageFactory(parent=[about, team, alumni][number % 3])

        for page in (about, alumni):
            assert_budget(Client(), page.get_absolute_url(), self.PAGE_VIEW_BUDGET, more_pages)

    def test_the_admin_list_runs_the_same_queries_for_3_and_33_pages(self, editor_client):
        about, team, alumni = tree()
        # The session, the user, the user's and the group's permissions, the
        # count of pages (not in the trash), the rows, the masthead (the header).
        assert_budget(
            editor_client,
            "/admin/posts/page/",
            self.ADMIN_LIST_BUDGET,
            lambda: [PageFactory(parent=[None, about, team][n % 3]) for n in range(30)],
        )

    def test_the_comment_policy_link_costs_the_article_page_no_query(self):
        DiscussionSettings.load()
        article = ArticleFactory()
        without, with_link = assert_budget(
            Client(),
            article.get_absolute_url(),
            ARTICLE_PAGE_BUDGET,
            lambda: PageFactory(slug="comment-policy"),
        )
        assert "comment policy" not in without
        assert 'Please read our <a href="/comment-policy/">comment policy</a>.' in with_link

    def test_the_masthead_reads_the_comment_policy_in_its_own_query(self):
        PageFactory(slug="comment-policy")
        with exact_queries(1):
            assert SiteSettings.load().comment_policy_url == "/comment-policy/"


class TestSitemapAndSearch:
    def test_published_pages_are_in_the_pages_sitemap_with_their_lastmod(self, client):
        about, team, _ = tree()
        PageFactory(slug="draft", status=Page.Status.DRAFT)
        xml = client.get("/sitemap-pages.xml").content.decode()
        entries = re.findall(r"<loc>([^<]*)</loc>(?:<lastmod>([^<]*)</lastmod>)?", xml)
        assert entries[0][0] == "http://testserver/"
        pages = [(loc, lastmod) for loc, lastmod in entries if "/about/" in loc]
        assert [loc for loc, _ in pages] == [
            "http://testserver/about/",
            "http://testserver/about/team/",
            "http://testserver/about/team/alumni/",
        ]
        assert pages[0][1] == f"{timezone.localtime(about.updated_at):%Y-%m-%d}"
        assert all(lastmod for _, lastmod in pages)
        assert "draft" not in xml

    def test_search_lists_published_pages_above_the_articles(self, client):
        PageFactory(slug="comment-policy", title="Comment policy", body="How we moderate.")
        PageFactory(slug="secret", title="Moderate draft", status=Page.Status.DRAFT)
        ArticleFactory(title="Moderate voters")
        html = client.get("/search/?q=moderate").content.decode()
        assert '<a href="/comment-policy/">Comment policy</a>' in html
        assert "Moderate draft" not in html
        assert html.index("Comment policy") < html.index("Moderate voters")

    def test_search_without_a_matching_page_has_no_pages_heading(self, client):
        PageFactory(slug="about", title="About", body="Who we are.")
        ArticleFactory(title="Turnout")
        html = client.get("/search/?q=turnout").content.decode()
        assert 'id="search-pages-heading"' not in html
        assert "Turnout" in html

    @pytest.mark.skipif(
        connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
    )
    def test_on_postgresql_pages_are_ranked_with_stemming(self):
        body_only = PageFactory(slug="guide", title="Guide", body="How moderators work.")
        in_title = PageFactory(slug="policy", title="Moderation policy", body="Rules.")
        PageFactory(slug="about", title="About", body="Who we are.")
        assert list(Page.objects.published().search("moderate")) == [in_title, body_only]
        assert list(Page.objects.published().search("rule -guide")) == [in_title]
        assert list(Page.objects.published().search("moderate -rules")) == [body_only]

    def test_pages_are_on_the_first_page_of_results_only(self, client):
        PageFactory(slug="turnout-guide", title="Turnout guide")
        for number in range(12):
            ArticleFactory(title=f"Turnout {number}")
        assert "Turnout guide" in client.get("/search/?q=turnout").content.decode()
        assert "Turnout guide" not in client.get("/search/?q=turnout&page=2").content.decode()


class TestAdmin:
    def test_editors_add_a_page_with_a_revision(self, editor_client, editor):
        response = editor_client.post(ADD_URL, page_form())
        assert response.status_code == 302
        page = Page.objects.get()
        assert (page.path, page.body_html) == ("about", "<p>We write about strategy.</p>")
        assert page.published_at is not None
        [version] = Version.objects.get_for_object(page)
        assert version.revision.user == editor

    def test_the_form_has_the_rich_editor_without_quotations(self, editor_client):
        html = editor_client.get(ADD_URL).content.decode()
        assert "data-body-editor" in html
        assert "&quot;quotations&quot;: false" in html
        assert "posts/editor.js" in html

    def test_an_empty_body_is_refused(self, editor_client):
        response = editor_client.post(ADD_URL, page_form(body="<p></p>"))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["body"] == ["Write the page's text."]

    def test_the_list_shows_addresses_and_searches(self, editor_client):
        tree()
        html = editor_client.get("/admin/posts/page/?q=alumni").content.decode()
        assert "/about/team/alumni/" in html
        assert "/about/team/</td>" not in html

    def test_parent_autocomplete(self, editor_client):
        tree()
        response = editor_client.get(
            "/admin/autocomplete/",
            {"app_label": "posts", "model_name": "page", "field_name": "parent", "term": "our"},
        )
        assert [r["text"] for r in response.json()["results"]] == ["Our team"]

    def test_history_and_restore(self, editor_client):
        response = editor_client.post(ADD_URL, page_form(body="<p>First words.</p>"))
        page = Page.objects.get()
        change = f"/admin/posts/page/{page.pk}/change/"
        editor_client.post(change, page_form(body="<p>Second words.</p>"))
        versions = list(Version.objects.get_for_object(page).order_by("pk"))
        assert len(versions) == 2
        response = editor_client.get(f"/admin/posts/page/{page.pk}/history/")
        assert response.status_code == 200
        compare = editor_client.get(
            f"/admin/posts/page/{page.pk}/history/compare/",
            {"a": versions[0].pk, "b": versions[1].pk},
        ).content.decode()
        assert "<del>First</del>" in compare and "<ins>Second</ins>" in compare
        response = editor_client.post(
            f"/admin/posts/page/{page.pk}/history/{versions[0].pk}/restore/"
        )
        assert response.status_code == 302
        page.refresh_from_db()
        assert page.body_html == "<p>First words.</p>"
        assert Version.objects.get_for_object(page).count() == 3

    def test_autosave_offers_newer_words_and_restores_them(self, editor_client):
        page = PageFactory(slug="about", title="Saved title")
        change = f"/admin/posts/page/{page.pk}/change/"
        with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
            response = editor_client.post(
                f"/admin/posts/page/{page.pk}/autosave/", page_form(title="Typed, not saved")
            )
            assert response.status_code == 200
            assert "Restore the autosave from" in editor_client.get(change).content.decode()
            restored = editor_client.get(change, {"autosave": "restore"})
        assert restored.context["adminform"].form["title"].value() == "Typed, not saved"
        page.refresh_from_db()
        assert page.title == "Saved title"
        # Saving the page since makes the autosave stale: not offered any more.
        with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
            page.save()
            assert "Restore the autosave" not in editor_client.get(change).content.decode()

    def test_moderators_get_nothing_of_pages(self, client):
        moderators = Group.objects.get(name="Moderators")
        assert not moderators.permissions.filter(codename__endswith="_page").exists()
        moderator = UserFactory(is_staff=True)
        moderator.groups.add(moderators)
        client.force_login(moderator)
        assert client.get("/admin/posts/page/").status_code == 403

    def test_editors_have_every_page_permission(self, editor):
        assert {
            "posts.add_page",
            "posts.change_page",
            "posts.delete_page",
            "posts.view_page",
        } <= editor.get_all_permissions()


class TestCommentPolicyAndDemo:
    def test_the_comment_form_links_the_published_comment_policy(self, client, settings):
        settings.PAGE_CACHE_ENABLED = False  # Invalidated on commit, never here.
        DiscussionSettings.load()
        article = ArticleFactory()
        assert "comment policy" not in client.get(article.get_absolute_url()).content.decode()
        policy = PageFactory(slug="comment-policy", status=Page.Status.DRAFT)
        assert "comment policy" not in client.get(article.get_absolute_url()).content.decode()
        policy.status = Page.Status.PUBLISHED
        policy.save()
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'Please read our <a href="/comment-policy/">comment policy</a>.' in html

    def test_only_a_published_top_level_comment_policy_counts(self):
        assert SiteSettings.load().comment_policy_url == ""
        about = PageFactory(slug="about")
        PageFactory(slug="comment-policy", parent=about)
        assert SiteSettings.load().comment_policy_url == ""
        policy = PageFactory(slug="comment-policy", status=Page.Status.DRAFT)
        assert SiteSettings.load().comment_policy_url == ""
        policy.status = Page.Status.PUBLISHED
        policy.save()
        assert SiteSettings.load().comment_policy_url == "/comment-policy/"

    def test_a_fresh_site_makes_its_settings_row_with_the_answer(self):
        SiteSettings.objects.all().delete()
        PageFactory(slug="comment-policy")
        settings_row = SiteSettings.load()
        assert settings_row.pk == 1
        assert settings_row.comment_policy_url == "/comment-policy/"

    def test_the_demo_adds_about_masthead_and_comment_policy_once(self, client):
        call_command("load_demo", stdout=StringIO())
        pages = dict(Page.objects.published().values_list("path", "title"))
        assert pages == {
            "about": "About The Democratic Strategist",
            "masthead": "Masthead",
            "comment-policy": "Comment policy",
        }
        before = list(Page.objects.order_by("pk").values_list("pk", "updated_at", "body_html"))
        call_command("load_demo", stdout=StringIO())
        after = list(Page.objects.order_by("pk").values_list("pk", "updated_at", "body_html"))
        assert after == before
        for path in pages:
            response = client.get(f"/{path}/")
            assert response.status_code == 200
        # The comment form under every article points at the policy.
        article = ArticleFactory()
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'Please read our <a href="/comment-policy/">comment policy</a>.' in html

    def test_an_editors_own_about_page_is_kept(self):
        with reversion.create_revision():
            PageFactory(slug="about", title="Our own About")
        call_command("load_demo", stdout=StringIO())
        assert Page.objects.get(path="about").title == "Our own About"


class TestCommentsSwitch:
    """Pages take comments only when switched on (tests/comments/test_page_comments.py)."""

    def test_the_page_form_has_the_switch_off_by_default(self, admin_client):
        html = admin_client.get(ADD_URL).content.decode()
        assert 'name="comments_open"' in html
        assert not re.search(r'<input[^>]*name="comments_open"[^>]*checked', html)
        response = admin_client.post(ADD_URL, page_form())
        assert response.status_code == 302
        assert Page.objects.get().comments_open is False

    def test_an_editor_switches_comments_on(self, admin_client, client):
        response = admin_client.post(ADD_URL, page_form(comments_open="on"))
        assert response.status_code == 302
        assert Page.objects.get().comments_open is True
        assert "Leave a Reply" in client.get("/about/").content.decode()

    def test_the_demo_pages_take_no_comments(self, client):
        call_command("load_demo", stdout=StringIO())
        assert not Page.objects.filter(comments_open=True).exists()
        html = client.get("/comment-policy/").content.decode()
        assert "Leave a Reply" not in html
