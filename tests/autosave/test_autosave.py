"""
Autosave (autosave/): an editor's form contents kept server side per user and
object, offered back when newer than the object's last save, restored into
the form on the server, deleted by a real save; the endpoints are
CSRF-protected and permission-checked. Exercised through the article form,
the first ModelAdmin using AutosaveAdminMixin.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from autosave.models import Autosave
from posts.models import Article
from tests.factories import ArticleFactory, OutletFactory, TagFactory, UserFactory
from tests.posts.test_admin import ADD_URL, article_form

pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/posts/article/{article.pk}/change/"


def autosave_url(article=None):
    if article is None:
        return "/admin/posts/article/autosave/"
    return f"/admin/posts/article/{article.pk}/autosave/"


@pytest.fixture
def other_editor():
    user = UserFactory(username="other-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


class TestSaving:
    def test_posting_the_form_keeps_it_as_the_editors_autosave(self, editor_client, editor):
        article = ArticleFactory(title="Saved title")
        response = editor_client.post(
            autosave_url(article), article_form(title="Typed, not saved", csrfmiddlewaretoken="x")
        )
        assert response.status_code == 200
        assert response.json()["label"].startswith("Autosaved at ")
        autosave = Autosave.objects.get()
        assert autosave.user == editor
        assert autosave.object_key == str(article.pk)
        assert ["title", "Typed, not saved"] in autosave.data
        assert not any(name == "csrfmiddlewaretoken" for name, _ in autosave.data)
        article.refresh_from_db()
        assert article.title == "Saved title"  # Never over the saved article.

    def test_a_second_post_replaces_the_first(self, editor_client):
        article = ArticleFactory()
        editor_client.post(autosave_url(article), {"title": "One"})
        editor_client.post(autosave_url(article), {"title": "Two"})
        assert Autosave.objects.get().data == [["title", "Two"]]

    def test_multiple_values_of_a_field_are_all_kept(self, editor_client):
        tags = TagFactory.create_batch(2)
        editor_client.post(autosave_url(), {"tags": [tags[0].pk, tags[1].pk]})
        autosave = Autosave.objects.get()
        assert autosave.object_key == "new"
        assert autosave.data == [["tags", str(tags[0].pk)], ["tags", str(tags[1].pk)]]

    def test_each_editor_has_their_own_autosave(self, editor_client, other_editor):
        article = ArticleFactory()
        editor_client.post(autosave_url(article), {"title": "Mine"})
        other = Client()
        other.force_login(other_editor)
        other.post(autosave_url(article), {"title": "Theirs"})
        assert Autosave.objects.count() == 2
        html = editor_client.get(change_url(article) + "?autosave=restore").content.decode()
        assert 'value="Mine"' in html

    def test_get_is_refused(self, editor_client):
        assert editor_client.get(autosave_url(ArticleFactory())).status_code == 405


class TestAccess:
    def test_csrf_is_checked(self, editor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        response = client.post(autosave_url(ArticleFactory()), {"title": "x"})
        assert response.status_code == 403
        assert not Autosave.objects.exists()

    def test_anonymous_is_sent_to_the_login(self, client):
        response = client.post(autosave_url(ArticleFactory()), {"title": "x"})
        assert response.status_code == 302
        assert not Autosave.objects.exists()

    def test_staff_who_may_only_view_articles_cannot_autosave(self, client):
        viewer = UserFactory(is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
        client.force_login(viewer)
        article = ArticleFactory()
        assert client.post(autosave_url(article), {"title": "x"}).status_code == 403
        assert client.post(autosave_url(), {"title": "x"}).status_code == 403
        assert not Autosave.objects.exists()
        # Their read-only form has no autosave either.
        html = client.get(change_url(article)).content.decode()
        assert 'id="autosave"' not in html

    def test_an_unknown_object_is_a_404(self, editor_client):
        assert editor_client.post("/admin/posts/article/999999/autosave/", {}).status_code == 404


class TestOffering:
    def test_a_newer_autosave_is_offered_with_its_time(self, editor_client):
        article = ArticleFactory()
        with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
            editor_client.post(autosave_url(article), {"title": "Later words"})
            stamp = timezone.localtime().strftime("%H:%M")
            html = editor_client.get(change_url(article)).content.decode()
        assert f"Restore the autosave from {stamp}" in html
        assert 'href="?autosave=restore"' in html
        assert "data-autosave-discard" in html

    def test_an_autosave_older_than_the_last_save_is_not_offered(self, editor_client):
        article = ArticleFactory()
        editor_client.post(autosave_url(article), {"title": "Stale"})
        with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
            article.save()  # Saved since (by someone else, or elsewhere).
            html = editor_client.get(change_url(article)).content.decode()
        assert "Restore the autosave" not in html
        assert 'id="autosave"' in html  # Autosaving still runs.

    def test_restore_fills_the_form_from_the_autosave(self, editor_client):
        article = ArticleFactory(title="Saved title")
        outlet = OutletFactory(name="The Outlet")
        tag = TagFactory(name="Restored tag")
        with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
            editor_client.post(
                autosave_url(article),
                article_form(
                    title="Autosaved title",
                    slug=article.slug,
                    tags=[tag.pk],
                    **{
                        "quotations-TOTAL_FORMS": "1",
                        "quotations-0-order": "1",
                        "quotations-0-speaker": "A Reporter",
                        "quotations-0-outlet": outlet.pk,
                        "quotations-0-source_url": "https://example.com/a",
                        "quotations-0-text": "An autosaved passage.",
                    },
                ),
            )
            response = editor_client.get(change_url(article) + "?autosave=restore")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'value="Autosaved title"' in html
        assert "An autosaved passage." in html
        assert f'<option value="{tag.pk}" selected>Restored tag</option>' in html
        assert 'data-unsaved="1"' in html
        assert "Restore the autosave" not in html
        article.refresh_from_db()
        assert article.title == "Saved title"

    def test_the_add_form_offers_the_new_articles_autosave(self, editor_client):
        editor_client.post(autosave_url(), {"title": "Half-written"})
        html = editor_client.get(ADD_URL).content.decode()
        assert "Restore the autosave from" in html
        html = editor_client.get(ADD_URL + "?autosave=restore").content.decode()
        assert 'value="Half-written"' in html

    def test_discard_deletes_it(self, editor_client):
        article = ArticleFactory()
        editor_client.post(autosave_url(article), {"title": "Unwanted"})
        response = editor_client.post(f"/admin/posts/article/{article.pk}/autosave/discard/")
        assert response.status_code == 200
        assert not Autosave.objects.exists()


class TestRealSave:
    def test_saving_the_article_deletes_its_autosave(self, editor_client, editor, other_editor):
        article = ArticleFactory()
        editor_client.post(autosave_url(article), {"title": "Draft words"})
        Autosave.objects.create(
            user=other_editor,
            content_type=ContentType.objects.get_for_model(Article),
            object_key=str(article.pk),
            data=[["title", "Someone else's"]],
        )
        response = editor_client.post(
            change_url(article), article_form(title="Saved for real", slug=article.slug)
        )
        assert response.status_code == 302
        assert list(Autosave.objects.values_list("user__username", flat=True)) == ["other-editor"]

    def test_adding_the_article_deletes_the_add_forms_autosave(self, editor_client):
        editor_client.post(autosave_url(), {"title": "A New Argument"})
        response = editor_client.post(ADD_URL, article_form())
        assert response.status_code == 302
        assert not Autosave.objects.exists()

    def test_an_invalid_save_keeps_the_autosave_and_autosaving_goes_on(self, editor_client):
        article = ArticleFactory()
        editor_client.post(autosave_url(article), {"title": "Keep me"})
        response = editor_client.post(change_url(article), article_form(title=""))
        assert response.status_code == 200
        assert Autosave.objects.count() == 1
        html = response.content.decode()
        assert 'id="autosave"' in html
        assert 'data-unsaved="1"' in html  # Leaving the form with its errors asks first.


def test_the_form_carries_the_autosave_settings(editor_client):
    article = ArticleFactory()
    html = editor_client.get(change_url(article)).content.decode()
    assert f'data-save-url="/admin/posts/article/{article.pk}/autosave/"' in html
    assert 'data-interval="3000"' in html
    assert "autosave/autosave.js" in html
