"""
The Preview button (posts/preview.py): the article page built from the form's
current contents, unsaved, staff only, never cached or indexed; and a preview
never says "Comments are closed." for an article whose comments are open.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from comments.models import DiscussionSettings
from posts.models import Article, Tag
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    OutletFactory,
    QuotationFactory,
    TagFactory,
    UserFactory,
)
from tests.posts.test_admin import article_form

pytestmark = pytest.mark.django_db

NEW_PREVIEW = "/admin/posts/article/preview/"


def preview_url(article):
    return f"/admin/posts/article/{article.pk}/preview/"


def with_quotation(outlet, **fields):
    return {
        "quotations-TOTAL_FORMS": "1",
        "quotations-0-order": "1",
        "quotations-0-speaker": "Gabriel Debenedetti",
        "quotations-0-outlet": str(outlet.pk),
        "quotations-0-source_url": "https://www.politico.com/a",
        "quotations-0-text": "Democrats are rethinking where they campaign.",
        **fields,
    }


class TestPreviewOfANewArticle:
    def test_shows_the_form_as_typed_and_saves_nothing(self, editor_client):
        author, tag, outlet = (
            AuthorFactory(name="Ruy Teixeira"),
            TagFactory(name="Polls"),
            OutletFactory(name="Politico"),
        )
        tags_before = Tag.objects.count()
        response = editor_client.post(
            NEW_PREVIEW,
            article_form(
                title="Typed, never saved",
                body="First typed paragraph.\n\n[quote 1]\n\nLast paragraph.",
                status="draft",
                authors=[author.pk],
                tags=[tag.pk, "new:Brand new tag"],
                **with_quotation(outlet),
            ),
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>Typed, never saved</h1>" in html
        assert "<p>First typed paragraph.</p>" in html
        assert "Democrats are rethinking where they campaign." in html
        assert ">Ruy Teixeira</a>" in html
        assert ">Polls</a>" in html and ">Brand new tag</a>" in html
        assert "Preview of what is in the form, not saved" in html
        assert not Article.objects.exists()
        assert Tag.objects.count() == tags_before  # The typed tag is shown, not made.

    def test_is_never_cached_nor_indexed(self, editor_client):
        response = editor_client.post(NEW_PREVIEW, article_form(title="Private"))
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store", "no-cache"} <= cache_control
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex">' in response.content.decode()

    def test_an_invalid_form_still_previews(self, editor_client):
        response = editor_client.post(NEW_PREVIEW, article_form(title="", slug="", body="Words."))
        assert response.status_code == 200
        assert "<p>Words.</p>" in response.content.decode()


class TestPreviewOfChanges:
    def test_unsaved_changes_to_a_published_article(self, editor_client):
        article = ArticleFactory(title="The saved title", status=Article.Status.PUBLISHED)
        QuotationFactory(article=article, order=1)
        response = editor_client.post(
            preview_url(article),
            article_form(
                when=article.pub_date, title="The new title", slug=article.slug, status="published"
            ),
        )
        html = response.content.decode()
        assert "<h1>The new title</h1>" in html
        assert "readers see the saved version until you update it" in html
        assert '<meta name="robots" content="noindex">' in html
        article.refresh_from_db()
        assert article.title == "The saved title"
        assert article.quotations.count() == 1

    def test_the_stored_draft_preview_link_still_works(self, editor_client):
        article = ArticleFactory(status=Article.Status.DRAFT, title="A stored draft")
        response = editor_client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Preview: readers cannot see this draft article" in response.content.decode()


class TestComments:
    def test_a_drafts_preview_does_not_say_comments_are_closed(self, editor_client):
        article = ArticleFactory(status=Article.Status.DRAFT, comments_open=True)
        html = editor_client.get(article.get_absolute_url()).content.decode()
        assert "Comments are closed." not in html
        assert "Comments will be open to readers once the article is published." in html

    def test_an_old_draft_is_not_closed_by_the_age_limit(self, editor_client):
        discussion = DiscussionSettings.load()
        discussion.close_after_days = 14
        discussion.save()
        article = ArticleFactory(
            status=Article.Status.DRAFT, pub_date=timezone.now() - timedelta(days=60)
        )
        html = editor_client.post(
            preview_url(article),
            article_form(when=article.pub_date, slug=article.slug, status="draft"),
        ).content.decode()
        assert "Comments are closed." not in html
        assert "Comments will be open to readers once the article is published." in html

    def test_a_preview_of_an_article_with_comments_off_says_closed(self, editor_client):
        data = article_form(title="No comments here")
        del data["comments_open"]
        html = editor_client.post(NEW_PREVIEW, data).content.decode()
        assert "Comments are closed." in html

    def test_a_published_article_past_the_age_limit_is_still_closed(self, client):
        discussion = DiscussionSettings.load()
        discussion.close_after_days = 14
        discussion.save()
        article = ArticleFactory(pub_date=timezone.now() - timedelta(days=60))
        assert "Comments are closed." in client.get(article.get_absolute_url()).content.decode()


class TestAccess:
    def test_get_is_refused(self, editor_client):
        assert editor_client.get(NEW_PREVIEW).status_code == 405

    def test_anonymous_is_sent_to_the_login(self, client):
        response = client.post(NEW_PREVIEW, article_form())
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_staff_who_may_only_view_articles_cannot_preview_a_form(self, client):
        viewer = UserFactory(is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
        client.force_login(viewer)
        assert client.post(NEW_PREVIEW, article_form()).status_code == 403
        assert client.post(preview_url(ArticleFactory()), article_form()).status_code == 403

    def test_csrf_is_checked(self, editor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        assert client.post(NEW_PREVIEW, article_form()).status_code == 403
