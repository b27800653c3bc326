"""
Honest publishing (posts/publishing.py, Article.date_first_publication): the
save button says what will happen, a first publication is dated when it
happens, the messages say what was done, and an article without a byline or
tags is saved with a warning. Tags typed in the tag field are created.
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.utils import timezone

from posts.models import Article, Tag
from tests.factories import ArticleFactory, AuthorFactory, TagFactory, UserFactory
from tests.posts.test_admin import ADD_URL, article_form

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
# A Wednesday morning in the site's time zone, far from any clock change.
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=TZ)


def change_url(article):
    return f"/admin/posts/article/{article.pk}/change/"


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def form_for(article, **fields):
    """The change form as a browser posts it, with the hidden initial publication time."""
    stored = timezone.localtime(article.pub_date)
    data = article_form(
        when=article.pub_date,
        title=article.title,
        slug=article.slug,
        status=article.status,
        authors=[a.pk for a in article.authors.all()],
        tags=[t.pk for t in article.tags.all()],
        **{
            "initial-pub_date_0": stored.strftime("%Y-%m-%d"),
            "initial-pub_date_1": stored.strftime("%H:%M:%S"),
        },
    )
    data.update(fields)
    return data


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def byline():
    return {"authors": [AuthorFactory().pk], "tags": [TagFactory().pk]}


class TestSaveButton:
    def save_button(self, html):
        start = html.index('name="_save"')
        tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
        return tag.split('value="', 1)[1].split('"', 1)[0]

    def test_new_article_says_save_draft(self, editor_client, clock):
        html = editor_client.get(ADD_URL).content.decode()
        assert self.save_button(html) == "Save draft"

    def test_draft_says_save_draft(self, editor_client, clock):
        article = ArticleFactory(status=Article.Status.DRAFT)
        assert self.save_button(editor_client.get(change_url(article)).content.decode()) == (
            "Save draft"
        )

    def test_published_article_says_update(self, editor_client, clock):
        article = ArticleFactory(status=Article.Status.PUBLISHED)
        html = editor_client.get(change_url(article)).content.decode()
        assert self.save_button(html) == "Update"
        assert 'data-was-published="1"' in html

    def test_scheduled_article_says_when(self, editor_client, clock):
        article = ArticleFactory(
            status=Article.Status.PUBLISHED, pub_date=datetime(2026, 12, 3, 9, 0, tzinfo=TZ)
        )
        html = editor_client.get(change_url(article)).content.decode()
        assert self.save_button(html) == "Schedule for 3 Dec, 09:00"
        assert 'data-now="2026-12-02T10:00:00"' in html

    def test_a_form_sent_back_with_errors_says_what_it_would_do(self, editor_client, clock):
        data = article_form(title="", status="published", when=NOW + timedelta(days=1))
        html = editor_client.post(ADD_URL, data).content.decode()
        assert self.save_button(html) == "Schedule for 3 Dec, 10:00"

    def test_the_form_has_the_preview_button_and_the_label_script(self, editor_client):
        html = editor_client.get(ADD_URL).content.decode()
        assert 'formaction="/admin/posts/article/preview/" formtarget="_blank"' in html
        assert "posts/admin-publish.js" in html


class TestDating:
    def test_publishing_an_old_draft_dates_it_now(self, editor_client, clock, byline):
        article = ArticleFactory(
            status=Article.Status.DRAFT, pub_date=datetime(2026, 11, 24, 15, 0, tzinfo=TZ)
        )
        response = editor_client.post(
            change_url(article), form_for(article, status="published", **byline)
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.pub_date == NOW
        assert article.status == Article.Status.PUBLISHED
        assert messages_of(response) == [("success", "Article published.")]

    def test_a_past_time_chosen_for_a_first_publication_becomes_now(
        self, editor_client, clock, byline
    ):
        asked = datetime(2026, 11, 20, 8, 30, tzinfo=TZ)
        response = editor_client.post(
            ADD_URL, article_form(when=asked, status="published", **byline)
        )
        article = Article.objects.get()
        assert article.pub_date == NOW
        assert messages_of(response) == [
            (
                "success",
                "Article published. The publication time you gave (20 Nov, 08:30) had passed: "
                "it is dated now, 2 Dec, 10:00.",
            )
        ]

    def test_a_future_time_schedules(self, editor_client, clock, byline):
        when = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)
        response = editor_client.post(ADD_URL, article_form(when=when, **byline))
        article = Article.objects.get()
        assert article.pub_date == when
        assert article.status == Article.Status.SCHEDULED
        assert messages_of(response) == [("success", "Scheduled for 3 Dec, 09:00.")]

    def test_a_published_article_keeps_its_date(self, editor_client, clock, byline):
        first = datetime(2026, 11, 1, 12, 0, tzinfo=TZ)
        article = ArticleFactory(status=Article.Status.PUBLISHED, pub_date=first)
        response = editor_client.post(
            change_url(article), form_for(article, title="Corrected", **byline)
        )
        article.refresh_from_db()
        assert article.pub_date == first
        assert messages_of(response) == [("success", "Article updated.")]

    def test_a_draft_keeps_its_time_and_says_draft_saved(self, editor_client, clock, byline):
        started = datetime(2026, 11, 24, 15, 0, tzinfo=TZ)
        article = ArticleFactory(status=Article.Status.DRAFT, pub_date=started)
        response = editor_client.post(change_url(article), form_for(article, **byline))
        article.refresh_from_db()
        assert article.pub_date == started
        assert messages_of(response) == [("success", "Draft saved.")]

    def test_the_publish_action_dates_a_draft_now(self, editor_client, clock):
        article = ArticleFactory(
            status=Article.Status.DRAFT, pub_date=datetime(2026, 11, 24, 15, 0, tzinfo=TZ)
        )
        editor_client.post(
            "/admin/posts/article/", {"action": "publish", "_selected_action": [article.pk]}
        )
        article.refresh_from_db()
        assert article.pub_date == NOW


class TestWarnings:
    def test_no_byline_and_no_tags_is_a_warning_not_an_error(self, editor_client, clock):
        response = editor_client.post(ADD_URL, article_form(status="draft"))
        assert response.status_code == 302
        assert Article.objects.count() == 1
        assert messages_of(response) == [
            ("success", "Draft saved."),
            (
                "warning",
                "This article has no byline and no tags: readers find articles by their "
                "authors and topics.",
            ),
        ]


class TestTagsByTyping:
    def test_a_typed_name_creates_the_tag(self, editor_client, clock):
        response = editor_client.post(
            ADD_URL, article_form(tags=["new:  Climate   policy "], authors=[AuthorFactory().pk])
        )
        assert response.status_code == 302
        tag = Tag.objects.get()
        assert (tag.name, tag.slug) == ("Climate policy", "climate-policy")
        assert list(Article.objects.get().tags.all()) == [tag]

    def test_an_existing_tag_is_matched_ignoring_case(self, editor_client, clock):
        existing = TagFactory(name="Midterms", slug="midterms")
        editor_client.post(ADD_URL, article_form(tags=["new:MIDTERMS"]))
        assert list(Tag.objects.all()) == [existing]
        assert list(Article.objects.get().tags.all()) == [existing]

    def test_a_taken_slug_gets_a_number(self, editor_client, clock):
        TagFactory(name="Polls and surveys", slug="polls")
        editor_client.post(ADD_URL, article_form(tags=["new:Polls"]))
        assert Tag.objects.get(name="Polls").slug == "polls-2"

    def test_new_and_existing_tags_together(self, editor_client, clock):
        existing = TagFactory(name="Senate")
        editor_client.post(ADD_URL, article_form(tags=[existing.pk, "new:House"]))
        assert sorted(t.name for t in Article.objects.get().tags.all()) == ["House", "Senate"]

    def test_a_form_error_keeps_the_typed_tag_in_the_field(self, editor_client, clock):
        html = editor_client.post(
            ADD_URL, article_form(title="", tags=["new:Turnout"])
        ).content.decode()
        assert '<option value="new:Turnout" selected>Turnout</option>' in html

    def test_staff_without_the_add_tag_permission_cannot_create_one(self, client, clock):
        from django.contrib.auth.models import Permission

        user = UserFactory(is_staff=True)
        user.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["add_article", "change_article", "view_article"]
            )
        )
        client.force_login(user)
        response = client.post(ADD_URL, article_form(tags=["new:Sneaky"]))
        assert response.status_code == 200
        assert "You may not create tags" in response.content.decode()
        assert not Tag.objects.exists()

    def test_the_tag_field_has_no_pop_up(self, editor_client):
        html = editor_client.get(ADD_URL).content.decode()
        assert 'id="add_id_tags"' not in html
        assert "admin-tag-autocomplete" in html
        assert "posts/admin-tags.js" in html
        assert 'id="add_id_authors"' in html  # Other fields keep theirs.
