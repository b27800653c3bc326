"""The editors' admin: the Editors group, the article list and form, bad input."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from posts.models import Article, Quotation, SiteSettings
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    OutletFactory,
    QuotationFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/posts/article/add/"
LIST_URL = "/admin/posts/article/"


def png(size=(1400, 800)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 60, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


def article_form(when=None, **overrides):
    """
    POST data for the add form, with an empty quotation inline unless given,
    published at ``when`` (five minutes ago unless given).
    """
    # Date and time from one moment: five minutes after midnight, the time
    # five minutes ago is yesterday's.
    when = timezone.localtime(when or timezone.now() - timedelta(minutes=5))
    # In the hour the clocks go back, a local time names two moments and the
    # form refuses it: take the time an hour or two earlier.
    while when.utcoffset() != when.replace(fold=1 - when.fold).utcoffset():
        when -= timedelta(hours=1)
    data = {
        "title": "A New Argument",
        "slug": "a-new-argument",
        "dek": "Summary.",
        "body": "Paragraph one.\n\nParagraph two.",
        "body_format": Article.BodyFormat.TEXT,
        "status": Article.Status.PUBLISHED,
        "pub_date_0": when.strftime("%Y-%m-%d"),
        "pub_date_1": when.strftime("%H:%M:%S"),
        "comments_open": "on",
        "featured_image_alt": "",
        "featured_image_caption": "",
        "quotations-TOTAL_FORMS": "0",
        "quotations-INITIAL_FORMS": "0",
        "quotations-MIN_NUM_FORMS": "0",
        "quotations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class TestEditorsGroup:
    def test_has_exactly_the_posts_permissions(self):
        group = Group.objects.get(name="Editors")
        # Other apps' permissions (menus) are checked by their own tests.
        granted = set(
            group.permissions.filter(content_type__app_label="posts").values_list(
                "content_type__app_label", "codename"
            )
        )
        expected = {
            ("posts", f"{action}_{model}")
            for model in ["article", "quotation", "tag", "outlet", "author", "image", "page"]
            for action in ["add", "change", "delete", "view"]
        } | {("posts", "change_sitesettings"), ("posts", "view_sitesettings")}
        assert granted == expected

    def test_group_permissions_exist_in_the_database(self):
        posts = Permission.objects.filter(content_type__app_label="posts")
        assert posts.filter(group__name="Editors").count() == 30


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_migration_groups_survive_transactional_tests(run):
    """Each run follows a flush; tests/conftest.py puts the groups back."""
    editors = Group.objects.get(name="Editors").permissions
    assert editors.filter(content_type__app_label="posts").count() == 30
    assert Group.objects.get(name="Moderators").permissions.count() == 3


class TestAccess:
    @pytest.mark.parametrize(
        "url",
        [
            "/admin/",
            LIST_URL,
            ADD_URL,
            "/admin/posts/tag/",
            "/admin/posts/tag/add/",
            "/admin/posts/author/",
            "/admin/posts/author/add/",
            "/admin/posts/outlet/",
            "/admin/posts/outlet/add/",
            "/admin/posts/quotation/",
        ],
    )
    def test_editor_can_use_the_posts_admin(self, editor_client, url):
        ArticleFactory()
        assert editor_client.get(url).status_code == 200

    def test_editor_can_edit_an_article_and_its_related_pages(self, editor_client):
        article = ArticleFactory(tags=[TagFactory()], authors=[AuthorFactory()])
        QuotationFactory(article=article, order=1)
        response = editor_client.get(f"/admin/posts/article/{article.pk}/change/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "View on the site" in html
        assert f'href="{article.get_absolute_url()}"' in html
        assert 'name="quotations-0-speaker"' in html

    def test_draft_shows_a_preview_link(self, editor_client):
        article = ArticleFactory(status=Article.Status.DRAFT)
        html = editor_client.get(f"/admin/posts/article/{article.pk}/change/").content.decode()
        assert "Preview (readers cannot see it yet)" in html
        html = editor_client.get(LIST_URL).content.decode()
        assert (
            f'<a href="{article.get_absolute_url()}" target="_blank" rel="noopener">Preview</a>'
            in html
        )

    def test_site_settings_list_goes_to_the_single_form(self, editor_client):
        response = editor_client.get("/admin/posts/sitesettings/")
        assert response.status_code == 302
        assert response["Location"] == "/admin/posts/sitesettings/1/change/"
        response = editor_client.post(
            "/admin/posts/sitesettings/1/change/",
            {"name": "The Lantern", "tagline": "Light", "place_line": "boston, ma"},
        )
        assert response.status_code == 302
        assert SiteSettings.load().name == "The Lantern"
        assert editor_client.get("/admin/posts/sitesettings/add/").status_code == 403

    @pytest.mark.parametrize(
        "url",
        ["/admin/auth/user/", "/admin/auth/user/add/", "/admin/auth/group/"],
    )
    def test_editor_cannot_see_users_or_groups(self, editor_client, url):
        assert editor_client.get(url).status_code == 403

    def test_editor_index_lists_only_posts(self, editor_client):
        html = editor_client.get("/admin/").content.decode()
        assert "/admin/posts/article/" in html
        assert "/admin/auth/user/" not in html

    @pytest.mark.parametrize("url", ["/admin/", LIST_URL, ADD_URL, "/admin/posts/tag/"])
    def test_anonymous_is_sent_to_the_login(self, client, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    def test_staff_outside_the_group_cannot_see_articles(self, client):
        client.force_login(UserFactory(is_staff=True))
        assert client.get(LIST_URL).status_code == 403


class TestArticleList:
    def test_columns_filters_and_search(self, editor_client):
        tag, author = TagFactory(name="Turnout"), AuthorFactory(name="Ruth Lindqvist")
        findable = ArticleFactory(title="Findable piece", tags=[tag], authors=[author])
        ArticleFactory(title="Other piece")
        response = editor_client.get(LIST_URL)
        html = response.content.decode()
        for text in ["Findable piece", "Ruth Lindqvist", "Turnout", "Published"]:
            assert text in html
        assert "By status" in html and "By tags" in html and "By authors" in html
        # The date hierarchy, in the year the articles were published (an hour ago
        # is last year in the first hour of January 1st).
        year = timezone.localtime(findable.pub_date).year
        assert f"?pub_date__year={year}" in html
        searched = editor_client.get(LIST_URL, {"q": "findable"}).content.decode()
        assert "Findable piece" in searched and "Other piece" not in searched
        filtered = editor_client.get(LIST_URL, {"tags__id__exact": tag.pk}).content.decode()
        assert "Findable piece" in filtered and "Other piece" not in filtered

    def test_publish_and_unpublish_actions(self, editor_client):
        draft = ArticleFactory(status=Article.Status.DRAFT)
        future = ArticleFactory(
            status=Article.Status.DRAFT, pub_date=timezone.now() + timedelta(days=2)
        )
        response = editor_client.post(
            LIST_URL, {"action": "publish", "_selected_action": [draft.pk, future.pk]}
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        future.refresh_from_db()
        assert draft.status == Article.Status.PUBLISHED
        assert future.status == Article.Status.SCHEDULED
        editor_client.post(LIST_URL, {"action": "unpublish", "_selected_action": [draft.pk]})
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT

    def test_actions_need_the_change_permission(self, client):
        viewer = UserFactory(is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
        client.force_login(viewer)
        draft = ArticleFactory(status=Article.Status.DRAFT)
        html = client.get(LIST_URL).content.decode()
        assert 'value="publish"' not in html
        client.post(LIST_URL, {"action": "publish", "_selected_action": [draft.pk]})
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT


class TestArticleForm:
    def test_add_form_has_help_prepopulated_slug_and_autocomplete(self, editor_client):
        html = editor_client.get(ADD_URL).content.decode()
        assert "django-admin-prepopulated-fields-constants" in html
        assert "&quot;#id_slug&quot;" in html and "&quot;title&quot;" in html
        assert "admin-autocomplete" in html
        assert "/admin/autocomplete/" in html
        assert "unique within a month" in html
        assert "Describes the image for readers who cannot see it" in html
        assert 'name="quotations-TOTAL_FORMS"' in html

    def test_every_editor_facing_field_has_help_text(self):
        from django.apps import apps

        for model in apps.get_app_config("posts").get_models():
            for field in model._meta.get_fields():
                if not getattr(field, "editable", False) or field.auto_created:
                    continue
                if field.name == "article" and model is Quotation:
                    continue  # The inline's link to its article is not shown.
                assert field.help_text, f"{model.__name__}.{field.name} lacks help text"

    def test_create_with_a_quotation_and_an_image(self, editor_client, settings):
        outlet = OutletFactory(name="Politico", slug="politico")
        data = article_form(
            body="Paragraph one.\n\n[quote 1]",
            **{
                "quotations-TOTAL_FORMS": "1",
                "quotations-0-order": "1",
                "quotations-0-speaker": "Gabriel Debenedetti",
                "quotations-0-outlet": str(outlet.pk),
                "quotations-0-source_url": "https://www.politico.com/news/x",
                "quotations-0-text": "Democrats are rethinking where they campaign.",
                "featured_image_alt": "A blue square.",
                "featured_image": SimpleUploadedFile("blue.png", png(), "image/png"),
            },
        )
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        article = Article.objects.get()
        assert article.quotations.get().speaker == "Gabriel Debenedetti"
        assert set(article.image_renditions) == {"original", "1200", "800", "400"}
        page = editor_client.get(article.get_absolute_url()).content.decode()
        assert "Democrats are rethinking where they campaign." in page
        assert "Sources quoted" not in page  # Placed by its marker.
        change = editor_client.get(f"/admin/posts/article/{article.pk}/change/")
        assert 'class="image-preview"' in change.content.decode()

    def test_missing_title_is_a_form_error(self, editor_client):
        response = editor_client.post(ADD_URL, article_form(title=""))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["title"] == ["This field is required."]
        assert not Article.objects.exists()

    def test_duplicate_slug_in_the_same_month_is_a_form_error(self, editor_client):
        when = timezone.localtime() - timedelta(minutes=5)
        # The first second of the same month, whatever the day today.
        month_start = when.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        ArticleFactory(slug="a-new-argument", pub_date=month_start)
        response = editor_client.post(ADD_URL, article_form(when=when))
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "must be unique for" in " ".join(errors["slug"])
        assert Article.objects.count() == 1

    def test_same_slug_in_another_month_is_fine(self, editor_client):
        ArticleFactory(slug="a-new-argument", pub_date=timezone.now() - timedelta(days=70))
        response = editor_client.post(ADD_URL, article_form())
        assert response.status_code == 302
        assert Article.objects.count() == 2

    def test_same_slug_in_the_same_month_of_another_year_is_fine(self, editor_client):
        # /YYYY/MM/<slug>/: December 2026 and December 2027 are different addresses.
        now = timezone.localtime()
        a_year_ago = now.replace(year=now.year - 1, day=1)  # the 1st: every month has one
        ArticleFactory(slug="a-new-argument", pub_date=a_year_ago)
        response = editor_client.post(ADD_URL, article_form())
        assert response.status_code == 302
        assert Article.objects.count() == 2
        new = Article.objects.latest("pk")
        assert new.get_absolute_url() != Article.objects.earliest("pk").get_absolute_url()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"not an image at all", "not a PNG, JPEG, WebP or GIF image"),
            (None, "too many pixels"),
        ],
    )
    def test_bad_images_are_form_errors_and_nothing_is_saved(
        self, editor_client, settings, data, message
    ):
        if data is None:
            from tests.posts.test_images import png_claiming

            data = png_claiming(100_000, 100_000)
        outlet = OutletFactory()
        form = article_form(
            featured_image=SimpleUploadedFile("evil.png", data, "image/png"),
            featured_image_alt="Something.",
            **{
                "quotations-TOTAL_FORMS": "1",
                "quotations-0-order": "1",
                "quotations-0-speaker": "Someone",
                "quotations-0-outlet": str(outlet.pk),
                "quotations-0-source_url": "https://example.org/",
                "quotations-0-text": "Text.",
            },
        )
        response = editor_client.post(ADD_URL, form)
        assert response.status_code == 200
        errors = " ".join(response.context["adminform"].form.errors["featured_image"])
        assert message in errors
        assert not Article.objects.exists()
        assert not Quotation.objects.exists()
        assert media_files(settings) == []

    def test_too_large_image_is_a_form_error(self, editor_client, settings):
        settings.MAX_IMAGE_UPLOAD_BYTES = 1000
        form = article_form(
            featured_image=SimpleUploadedFile("big.png", png((400, 400)) + b"\0" * 2000),
            featured_image_alt="Big.",
        )
        response = editor_client.post(ADD_URL, form)
        assert response.status_code == 200
        errors = " ".join(response.context["adminform"].form.errors["featured_image"])
        assert "the largest image accepted is" in errors
        assert not Article.objects.exists()
        assert media_files(settings) == []

    def test_image_without_alt_text_is_a_form_error(self, editor_client, settings):
        form = article_form(featured_image=SimpleUploadedFile("ok.png", png((300, 200))))
        response = editor_client.post(ADD_URL, form)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert errors["featured_image_alt"] == ["Describe the image for readers who cannot see it."]
        assert not Article.objects.exists()
        assert media_files(settings) == []


class TestQuotationMarkers:
    """A [quote N] marker must name a quotation submitted with the article."""

    @pytest.fixture
    def outlet(self):
        return OutletFactory(name="Politico", slug="politico")

    def quotation(self, outlet, index=0, order=1, **extra):
        data = {
            f"quotations-{index}-order": str(order),
            f"quotations-{index}-speaker": "Gabriel Debenedetti",
            f"quotations-{index}-outlet": str(outlet.pk),
            f"quotations-{index}-source_url": "https://www.politico.com/news/x",
            f"quotations-{index}-text": "Democrats are rethinking where they campaign.",
        }
        data.update({f"quotations-{index}-{key}": value for key, value in extra.items()})
        return data

    def errors(self, response):
        formset = response.context["inline_admin_formsets"][0].formset
        return [str(error) for error in formset.non_form_errors()]

    def test_marker_naming_no_quotation_is_an_error_and_nothing_is_saved(
        self, editor_client, outlet
    ):
        data = article_form(
            body="One.\n\n[quote 1]\n\n[quote 3]",
            **{"quotations-TOTAL_FORMS": "1", **self.quotation(outlet)},
        )
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert self.errors(response) == [
            "The body places [quote 3] but there is no quotation 3 below: "
            "add it or remove the marker."
        ]
        html = response.content.decode()
        assert "there is no quotation 3 below" in html
        assert "One.\n\n[quote 1]\n\n[quote 3]" in html  # The editor's text comes back.
        assert not Article.objects.exists()
        assert not Quotation.objects.exists()

    def test_marker_without_any_quotation_is_an_error(self, editor_client):
        response = editor_client.post(ADD_URL, article_form(body="One.\n\n[quote 1]"))
        assert response.status_code == 200
        assert "there is no quotation 1 below" in " ".join(self.errors(response))
        assert not Article.objects.exists()

    def test_marker_of_a_quotation_being_deleted_is_an_error(self, editor_client, outlet):
        article = ArticleFactory(slug="kept", body="One.\n\n[quote 1]")
        quotation = QuotationFactory(article=article, outlet=outlet, order=1)
        url = f"/admin/posts/article/{article.pk}/change/"
        form = editor_client.get(url).context["adminform"].form
        data = {
            **article_form(title=article.title, slug=article.slug, body=article.body),
            "pub_date_0": form["pub_date"].value().strftime("%Y-%m-%d"),
            "pub_date_1": form["pub_date"].value().strftime("%H:%M:%S"),
            "quotations-TOTAL_FORMS": "1",
            "quotations-INITIAL_FORMS": "1",
            "quotations-0-id": str(quotation.pk),
            "quotations-0-article": str(article.pk),
            **self.quotation(outlet, DELETE="on"),
        }
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert "there is no quotation 1 below" in " ".join(self.errors(response))
        assert article.quotations.count() == 1

    def test_marker_inside_a_paragraph_is_an_error(self, editor_client, outlet):
        data = article_form(
            body="As reported [quote 1] last week.",
            **{"quotations-TOTAL_FORMS": "1", **self.quotation(outlet)},
        )
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert self.errors(response) == [
            "[quote 1] stands inside a paragraph of the body, where readers would see the "
            "marker itself: put it in a paragraph of its own (the editor's “Insert quotation” "
            "button does) or remove it."
        ]
        assert not Article.objects.exists()

    def test_markers_naming_submitted_quotations_save(self, editor_client, outlet):
        data = article_form(
            body="One.\n\n[quote 2]\n\nTwo.\n\n[Quote 1]",
            **{
                "quotations-TOTAL_FORMS": "2",
                **self.quotation(outlet, 0, order=1),
                **self.quotation(outlet, 1, order=2),
            },
        )
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 302
        assert Article.objects.get().quotations.count() == 2


def test_deleting_selected_articles_for_good_deletes_their_image_files(
    admin_client, settings, django_capture_on_commit_callbacks
):
    """From the trash (superusers: see tests/posts/test_trash.py; moving there keeps the files)."""
    from django.core.files.base import ContentFile

    article = ArticleFactory.build()
    article.featured_image = ContentFile(png(), name="doomed.png")
    article.featured_image_alt = "Blue."
    article.save()
    article.move_to_trash()
    assert len(media_files(settings)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"{LIST_URL}?trash=yes",
            {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Article.objects.exists()
    assert media_files(settings) == []
