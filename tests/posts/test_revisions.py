"""
Revisions (posts/revisions.py, django-reversion): every save of an article in
the admin keeps a version with its tags, authors and quotations and who saved
it; the history screen compares any two as words and restores any one, which
makes a new version. Query budgets: the same for 3 and 20 versions.
"""

import pytest
import reversion
from django.contrib.auth.models import Permission
from reversion.models import Version

from posts.models import Article
from posts.revisions import diff_html, html_to_text
from tests.factories import ArticleFactory, AuthorFactory, OutletFactory, TagFactory, UserFactory
from tests.posts.test_admin import article_form
from tests.posts.test_query_budgets import ARTICLE_CHANGELIST_BUDGET
from tests.query_budget import assert_budget

pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/posts/article/{article.pk}/change/"


def history_url(article):
    return f"/admin/posts/article/{article.pk}/history/"


def save(client, article, **fields):
    """Save the article through the admin form with these fields changed."""
    data = article_form(
        when=article.pub_date,
        title=article.title,
        slug=article.slug,
        dek=article.dek,
        body=article.body,
        status=article.status,
    )
    data.update(fields)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def versions(article):
    return list(
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .order_by("revision__date_created", "pk")
    )


def quotation_fields(article, n, outlet, text):
    """The quotation inline as the form posts it: the article's current ones, then new ones."""
    existing = list(article.quotations.order_by("order"))
    data = {
        "quotations-TOTAL_FORMS": str(max(n, len(existing))),
        "quotations-INITIAL_FORMS": str(len(existing)),
    }
    for i in range(max(n, len(existing))):
        if i < len(existing):
            data[f"quotations-{i}-id"] = str(existing[i].pk)
            data[f"quotations-{i}-article"] = str(article.pk)
            if i >= n:
                data[f"quotations-{i}-DELETE"] = "on"
        data.update(
            {
                f"quotations-{i}-order": str(i + 1),
                f"quotations-{i}-speaker": f"Reporter {i + 1}",
                f"quotations-{i}-outlet": str(outlet.pk),
                f"quotations-{i}-source_url": f"https://example.com/{i}",
                f"quotations-{i}-text": f"{text} {i + 1}",
            }
        )
    return data


class TestVersions:
    def test_every_admin_save_keeps_a_version_with_who(self, editor_client, editor):
        article = ArticleFactory(title="First title")
        save(editor_client, article, title="Second title")
        save(editor_client, article, title="Third title")
        kept = versions(article)
        assert [v.field_dict["title"] for v in kept] == ["Second title", "Third title"]
        assert {v.revision.user for v in kept} == {editor}

    def test_a_version_holds_tags_authors_and_quotations(self, editor_client):
        article = ArticleFactory()
        tag, author, outlet = TagFactory(), AuthorFactory(), OutletFactory()
        save(
            editor_client,
            article,
            tags=[tag.pk],
            authors=[author.pk],
            **quotation_fields(article, 1, outlet, "Quoted words"),
        )
        (version,) = versions(article)
        assert version.field_dict["tags"] == [tag.pk]
        assert version.field_dict["authors"] == [author.pk]
        quotations = version.revision.version_set.exclude(pk=version.pk)
        assert [q.field_dict["text"] for q in quotations] == ["Quoted words 1"]

    def test_adding_an_article_keeps_its_first_version(self, editor_client):
        response = editor_client.post("/admin/posts/article/add/", article_form())
        assert response.status_code == 302
        article = Article.objects.get()
        assert len(versions(article)) == 1


class TestHistoryAndCompare:
    def test_history_lists_versions_with_compare_and_restore(self, editor_client, editor):
        article = ArticleFactory()
        save(editor_client, article, title="One")
        save(editor_client, article, title="Two")
        html = editor_client.get(history_url(article)).content.decode()
        assert html.count('type="radio" name="a"') == 2
        assert 'value="Compare"' in html
        assert html.count(">Restore</button>") == 1  # Not for the current version.
        assert "editor" in html

    def test_compare_shows_words_inserted_and_deleted_not_html(self, editor_client):
        article = ArticleFactory(body_format=Article.BodyFormat.HTML)
        save(
            editor_client,
            article,
            body_format="html",
            body="<p>The <strong>old</strong> coalition holds.</p><p>Second block.</p>",
        )
        save(
            editor_client,
            article,
            body_format="html",
            body="<p>The <em>new</em> coalition holds.</p><p>Second block.</p>",
        )
        old, new = versions(article)
        response = editor_client.get(
            f"/admin/posts/article/{article.pk}/history/compare/?a={new.pk}&b={old.pk}"
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "<del>old</del>" in html
        assert "<ins>new</ins>" in html
        assert "&lt;strong&gt;" not in html and "<strong>old" not in html
        assert "<p>Second block.</p>" in html

    def test_compare_needs_two_versions_of_this_article(self, editor_client):
        article, other = ArticleFactory(), ArticleFactory()
        save(editor_client, article, title="One")
        save(editor_client, other, title="Other")
        (mine,), (theirs,) = versions(article), versions(other)
        url = f"/admin/posts/article/{article.pk}/history/compare/?a={mine.pk}&b={theirs.pk}"
        response = editor_client.get(url)
        assert response.status_code == 302
        assert response["Location"] == history_url(article)

    def test_history_query_budget_is_the_same_for_3_and_20_versions(self, editor_client):
        article = ArticleFactory()
        for n in range(3):
            save(editor_client, article, title=f"Title {n}")

        def seventeen_more():
            for n in range(17):
                save(editor_client, article, title=f"More {n}")

        # Session, user, the article (with its authors and tags: the admin's
        # queryset), two of permissions, the versions with their revisions and
        # users, the masthead (the admin's header).
        _, many = assert_budget(editor_client, history_url(article), 9, seventeen_more)
        assert many.count('type="radio" name="a"') == 20

    def test_compare_query_budget_is_the_same_for_3_and_20_versions(self, editor_client):
        article = ArticleFactory()
        outlet = OutletFactory()
        tags, authors = TagFactory.create_batch(3), AuthorFactory.create_batch(2)

        def save_versions(count, words):
            for n in range(count):
                save(
                    editor_client,
                    article,
                    title=f"{words} {n}",
                    tags=[t.pk for t in tags],
                    authors=[a.pk for a in authors],
                    **quotation_fields(article, 3, outlet, f"{words} passage {n}"),
                )

        save_versions(1, "First")
        save_versions(2, "Then")
        first, _, third = versions(article)
        url = f"/admin/posts/article/{article.pk}/history/compare/?a={first.pk}&b={third.pk}"
        editor_client.get(url)  # The masthead's row is made on first use.
        # Session, user, the article (with authors and tags), two of
        # permissions, the two versions, their quotations' versions, the
        # names of their authors, tags and outlets, the masthead.
        (_, page) = assert_budget(editor_client, url, 13, lambda: save_versions(17, "More"))
        assert "<ins>Then</ins>" in page
        latest = versions(article)[-1]
        latest_url = (
            f"/admin/posts/article/{article.pk}/history/compare/?a={first.pk}&b={latest.pk}"
        )
        (page,) = assert_budget(editor_client, latest_url, 13)
        assert "<ins>More</ins>" in page


class TestRestore:
    def test_restore_brings_back_the_writing_and_makes_a_new_version(self, editor_client, editor):
        article = ArticleFactory(status=Article.Status.PUBLISHED)
        outlet = OutletFactory()
        old_tag, new_tag = TagFactory(name="Old tag"), TagFactory(name="New tag")
        save(
            editor_client,
            article,
            title="Original title",
            body="Original body.\n\n[quote 1]",
            tags=[old_tag.pk],
            **quotation_fields(article, 1, outlet, "Original passage"),
        )
        save(
            editor_client,
            article,
            title="Rewritten title",
            body="Rewritten body.",
            tags=[new_tag.pk],
            **quotation_fields(article, 1, outlet, "Rewritten passage"),
        )
        original, _ = versions(article)
        pub_date = Article.objects.get(pk=article.pk).pub_date
        restorer = UserFactory(username="restorer", is_staff=True, is_superuser=True)
        editor_client.force_login(restorer)
        response = editor_client.post(
            f"/admin/posts/article/{article.pk}/history/{original.pk}/restore/"
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.title == "Original title"
        assert "Original body." in article.body_html
        assert list(article.tags.all()) == [old_tag]
        assert [q.text for q in article.quotations.all()] == ["Original passage 1"]
        assert article.status == Article.Status.PUBLISHED
        assert article.pub_date == pub_date
        kept = versions(article)
        assert len(kept) == 3
        assert kept[-1].revision.user == restorer
        assert kept[-1].field_dict["title"] == "Original title"
        assert "Restored the version of" in kept[-1].revision.get_comment()

    def test_restore_is_a_post(self, editor_client):
        article = ArticleFactory()
        save(editor_client, article, title="One")
        (version,) = versions(article)
        url = f"/admin/posts/article/{article.pk}/history/{version.pk}/restore/"
        assert editor_client.get(url).status_code == 405

    def test_staff_who_may_only_view_cannot_restore(self, editor_client, client):
        article = ArticleFactory(title="Kept")
        save(editor_client, article, title="One")
        (version,) = versions(article)
        viewer = UserFactory(is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
        client.force_login(viewer)
        assert client.get(history_url(article)).status_code == 200
        url = f"/admin/posts/article/{article.pk}/history/{version.pk}/restore/"
        assert client.post(url).status_code == 403


class TestLastEditedColumn:
    def test_the_list_runs_the_same_queries_for_3_and_20_edited_articles(self, editor_client):
        def edited(count):
            for _ in range(count):
                with reversion.create_revision():
                    reversion.set_user(UserFactory())
                    ArticleFactory(tags=[TagFactory()], authors=[AuthorFactory()])

        edited(3)
        editor_client.get("/admin/posts/article/")  # The masthead's row is made on first use.
        _, twenty = assert_budget(
            editor_client, "/admin/posts/article/", ARTICLE_CHANGELIST_BUDGET, lambda: edited(17)
        )
        assert twenty.count('<td class="field-last_edited">user') == 20

    def test_the_list_shows_who_saved_last(self, editor_client, editor):
        article = ArticleFactory()
        save(editor_client, article, title="Edited")
        html = editor_client.get("/admin/posts/article/").content.decode()
        assert '<td class="field-last_edited">editor</td>' in html


def test_html_to_text_keeps_one_line_per_block():
    text = html_to_text(
        "<h2>Head</h2><p>One <a href='x'>link</a> &amp; more.</p><ul><li>A</li></ul>"
    )
    assert text == "Head\nOne link & more.\nA"


def test_diff_html_escapes_and_marks_words():
    assert str(diff_html("a <b> c", "a <b> d")) == "<p>a &lt;b&gt; <del>c</del> <ins>d</ins></p>"
