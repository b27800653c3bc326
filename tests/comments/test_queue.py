"""
The moderators' desk beyond the list itself: Undo after Spam and Trash, the
row actions, Reply and Quick edit as the queue's script calls them (JSON),
Delete permanently, the comment's page and its staff view in place,
grammatical messages, and the pending and new-spam counts in the admin's
navigation (comments/admin.py, comments/templatetags/comments_admin.py).
"""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, DiscussionSettings, ModeratorVisit
from posts.models import SiteSettings
from tests.comments.conftest import CHANGELIST, held, staff
from tests.factories import ArticleFactory, CommentFactory
from tests.query_budget import assert_budget

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def editor(client):
    """A member of the Editors group: articles, not comments."""
    user = staff("editor-of-articles")
    group, _ = Group.objects.get_or_create(name="Editors")
    user.groups.add(group)
    return user


def url(name, comment=None):
    return reverse(f"admin:comments_comment_{name}", args=[comment.pk] if comment else [])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def bulk(client, action, comments):
    return client.post(
        CHANGELIST + "?status=all",
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


class TestGrammaticalMessages:
    @pytest.mark.parametrize(
        ("action", "count", "expected"),
        [
            ("approve", 1, "1 comment approved."),
            ("approve", 2, "2 comments approved."),
            ("mark_spam", 1, "1 comment marked as spam."),
            ("mark_spam", 3, "3 comments marked as spam."),
            ("move_to_trash", 2, "2 comments moved to the Trash."),
        ],
    )
    def test_bulk_actions_count_in_words(self, moderator_client, action, count, expected):
        comments = [held() for _ in range(count)]
        [message] = messages_of(bulk(moderator_client, action, comments))
        assert message.startswith(expected)
        assert "(s)" not in message

    def test_restore_counts_in_words(self, moderator_client):
        spam = held(status=Comment.Status.SPAM)
        [message] = messages_of(bulk(moderator_client, "restore", [spam]))
        assert message == "1 comment restored."

    def test_erasing_personal_data_counts_in_words(self, admin_client):
        one = CommentFactory(author_email="one@example.org")
        CommentFactory(author_email="one@example.org")
        response = admin_client.post(
            CHANGELIST + "?status=all",
            {
                "action": "erase_personal_data_action",
                "_selected_action": [one.pk],
                "post": "yes",
            },
            follow=True,
        )
        [message] = messages_of(response)
        assert message == "Erased the personal data of 1 commenter from 2 comments."


class TestUndoWithoutJavaScript:
    @pytest.mark.parametrize(("action", "done"), [("spam", "marked as spam"), ("trash", "moved")])
    def test_row_action_message_carries_an_undo_button(self, moderator_client, action, done):
        comment = held(body="Misfiled")
        response = moderator_client.post(url(action, comment), {"next": CHANGELIST}, follow=True)
        [message] = messages_of(response)
        assert done in message
        html = response.content.decode()
        form = re.search(
            r'<form method="post" action="([^"]+)" class="queue-undo-form">(.*?)</form>', html, re.S
        )
        assert form, html[:3000]
        assert form.group(1) == url("undo")
        assert f'name="ids" value="{comment.pk}"' in form.group(2)
        assert 'name="csrfmiddlewaretoken"' in form.group(2)
        comment.refresh_from_db()
        assert comment.status == action

        response = moderator_client.post(
            url("undo"), {"ids": [comment.pk], "next": CHANGELIST}, follow=True
        )
        assert messages_of(response) == ["1 comment restored."]
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING

    def test_bulk_trash_undoes_only_the_comments_it_moved(self, moderator_client):
        approved = CommentFactory()
        pending = held()
        already = held(status=Comment.Status.TRASH)  # not moved by this action
        response = bulk(moderator_client, "move_to_trash", [approved, pending, already])
        html = response.content.decode()
        ids = re.findall(r'name="ids" value="(\d+)"', html)
        assert sorted(map(int, ids)) == sorted([approved.pk, pending.pk])
        moderator_client.post(url("undo"), {"ids": ids})
        for comment, status in [(approved, "approved"), (pending, "pending"), (already, "trash")]:
            comment.refresh_from_db()
            assert comment.status == status

    def test_undo_needs_the_moderate_permission(self, client):
        viewer = staff("viewer-undo", perms=["view_comment", "change_comment"])
        client.force_login(viewer)
        comment = held(status=Comment.Status.SPAM)
        assert client.post(url("undo"), {"ids": [comment.pk]}).status_code == 403
        comment.refresh_from_db()
        assert comment.status == Comment.Status.SPAM

    def test_undo_is_post_only(self, moderator_client):
        assert moderator_client.get(url("undo")).status_code == 405


class TestRowActionsForTheScript:
    def test_spam_answers_the_message_and_how_to_undo(self, moderator_client):
        comment = held(author_name="Misha")
        response = moderator_client.post(url("spam", comment), **JSON)
        data = response.json()
        assert data["message"] == "Comment by Misha marked as spam."
        assert data["status"] == "spam"
        assert data["undo_url"] == url("restore", comment)
        undone = moderator_client.post(data["undo_url"], **JSON).json()
        assert undone["status"] == "pending"
        # The row as it is now: back in the queue with its pending actions.
        assert 'data-action="approve"' in undone["comment"]
        assert "Misha" in undone["author"]

    def test_approve_answers_the_changed_row(self, moderator_client):
        comment = held(body="Fine words")
        data = moderator_client.post(url("approve", comment), **JSON).json()
        assert data["status"] == "approved"
        assert 'data-action="unapprove"' in data["comment"]
        assert "Fine words" in data["comment"]
        assert data["undo_url"] == url("unapprove", comment)

    def test_the_row_keeps_the_lists_query_in_its_article_link(self, moderator_client):
        comment = held()
        data = moderator_client.post(
            url("approve", comment), {"list_query": "?status=pending&q=x"}, **JSON
        ).json()
        assert (
            f"status=pending&amp;q=x&amp;article__id__exact={comment.article_id}" in data["comment"]
        )


class TestReplyInPlace:
    def test_reply_is_published_and_the_parent_approved(self, moderator_client, moderator):
        parent = held(body="Is this right?")
        data = moderator_client.post(
            url("reply", parent), {"body": "It is, thank you."}, **JSON
        ).json()
        assert data["message"] == "Your reply is published."
        assert data["status"] == "approved"
        reply = Comment.objects.get(parent=parent)
        assert reply.user == moderator and reply.is_approved()
        assert reply.author_name == SiteSettings.load().name

    def test_empty_reply_is_an_error_and_nothing_is_posted(self, moderator_client):
        parent = held()
        response = moderator_client.post(url("reply", parent), {"body": ""}, **JSON)
        assert response.status_code == 400
        assert response.json()["errors"]["body"][0]["message"] == "This field is required."
        assert not Comment.objects.filter(parent=parent).exists()

    def test_the_reply_page_of_its_own_still_works(self, moderator_client):
        parent = held()
        response = moderator_client.post(url("reply", parent), {"body": "Without script."})
        assert response.status_code == 302
        assert Comment.objects.get(parent=parent).body == "Without script."


class TestQuickEdit:
    def fields(self, comment, **changes):
        prefix = f"quick-{comment.pk}"
        data = {
            "author_name": comment.author_name,
            "author_email": comment.author_email,
            "author_url": comment.author_url,
            "body": comment.body,
            "status": comment.status,
            **changes,
        }
        return {f"{prefix}-{name}": value for name, value in data.items()}

    def test_get_gives_the_fields_filled_in(self, moderator_client):
        comment = held(author_name="Ada", body="Original words", author_url="https://ada.example")
        html = moderator_client.get(url("quick_edit", comment)).content.decode()
        assert "<form" not in html  # they sit inside the changelist form
        for name in ("author_name", "author_email", "author_url", "body", "status"):
            assert f'name="quick-{comment.pk}-{name}"' in html
        assert 'value="Ada"' in html and "Original words" in html
        assert '<option value="pending" selected>' in html

    def test_saves_name_email_website_text_and_status(self, moderator_client, moderator):
        comment = held(body="Tpyo")
        data = moderator_client.post(
            url("quick_edit", comment),
            self.fields(
                comment,
                author_name="Ada L.",
                author_email="ada@example.org",
                author_url="ada.example",
                body="Typo fixed <em>now</em>",
                status="approved",
            ),
            **JSON,
        ).json()
        assert data["message"] == "Comment by Ada L. updated."
        comment.refresh_from_db()
        assert (comment.author_name, comment.author_email, comment.author_url) == (
            "Ada L.",
            "ada@example.org",
            "https://ada.example",
        )
        assert comment.body_html == "<p>Typo fixed <em>now</em></p>"
        assert comment.status == "approved" and comment.approved_by == moderator
        assert "<em>now</em>" in data["comment"]

    @pytest.mark.parametrize("status", ["spam", "trash"])
    def test_status_changes_go_through_the_models_rules(self, moderator_client, status):
        comment = CommentFactory()  # approved
        moderator_client.post(
            url("quick_edit", comment), self.fields(comment, status=status), **JSON
        )
        comment.refresh_from_db()
        assert (comment.status, comment.status_before) == (status, "approved")
        moderator_client.post(
            url("quick_edit", comment), self.fields(comment, status="pending"), **JSON
        )
        comment.refresh_from_db()
        assert (comment.status, comment.status_before) == ("pending", "")

    def test_a_bad_email_is_shown_beside_the_field_and_the_text_kept(self, moderator_client):
        comment = held(body="Before")
        response = moderator_client.post(
            url("quick_edit", comment),
            self.fields(comment, author_email="not an email", body="My new words"),
            **JSON,
        )
        assert response.status_code == 400
        fields = response.json()["fields"]
        email = fields.split('queue-field-author_email">')[1].split("</div>\n  </div>")[0]
        assert "Enter a valid email address." in email
        assert "My new words" in fields
        comment.refresh_from_db()
        assert comment.body == "Before"


class TestDeletePermanently:
    def test_superuser_deletes_a_spam_comment(self, admin_client):
        spam = held(status=Comment.Status.SPAM)
        response = admin_client.post(url("delete_permanently", spam), {"next": CHANGELIST})
        assert response.status_code == 302
        assert not Comment.objects.filter(pk=spam.pk).exists()

    def test_a_visible_comment_is_never_deleted_this_way(self, admin_client):
        comment = CommentFactory()
        response = admin_client.post(url("delete_permanently", comment), **JSON)
        assert response.status_code == 400
        assert Comment.objects.filter(pk=comment.pk).exists()

    def test_moderators_cannot_delete(self, moderator_client):
        spam = held(status=Comment.Status.SPAM)
        assert moderator_client.post(url("delete_permanently", spam)).status_code == 403
        assert Comment.objects.filter(pk=spam.pk).exists()


class TestChangePage:
    def test_shows_the_comment_rendered_not_escaped(self, moderator_client):
        comment = held(body="Read <em>this</em> https://example.org/a")
        html = moderator_client.get(url("change", comment)).content.decode()
        preview = html.split('class="comment-preview comment-content">')[1].split("</div>")[0]
        assert preview.startswith("<p>Read <em>this</em> <a href=")
        assert "&lt;p&gt;" not in html

    def test_one_link_to_the_approved_comment_on_the_site(self, moderator_client):
        comment = CommentFactory()
        html = moderator_client.get(url("change", comment)).content.decode()
        assert html.count(f'href="{comment.get_absolute_url()}"') == 1
        assert "viewsitelink" not in html  # not Django's "View on site" too
        assert ">View on the site</a>" in html

    def test_a_held_comment_links_to_its_staff_view_in_place(self, moderator_client):
        comment = held()
        html = moderator_client.get(url("change", comment)).content.decode()
        assert f'href="{url("in_place", comment)}"' in html
        assert comment.get_absolute_url() not in html
        assert "viewsitelink" not in html

    def test_buttons_have_the_admins_button_style(self, moderator_client):
        comment = held()
        html = moderator_client.get(url("change", comment)).content.decode()
        bar = html.split('class="comment-moderation-bar"')[1].split("</div>")[0]
        assert re.findall(r'<button type="submit" class="button">([^<]+)</button>', bar) == [
            "Approve",
            "Spam",
            "Trash",
        ]


class TestInPlace:
    def test_shows_the_held_comment_among_the_approved_ones(self, moderator_client):
        article = ArticleFactory(title="The map")
        CommentFactory(article=article, body="Approved before")
        other = held(article, body="Someone else's held comment")
        comment = held(article, body="The held one")
        response = moderator_client.get(url("in_place", comment))
        html = response.content.decode()
        assert "Approved before" in html and "The held one" in html
        assert other.body not in html
        item = re.search(rf'<li id="comment-{comment.pk}" class="([^"]+)"', html)
        assert "comment-in-place" in item.group(1).split()
        assert "<strong>Not public</strong>: Pending." in html
        assert "Your comment is awaiting moderation" not in html
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"]

    def test_query_count_does_not_grow_with_the_thread(self, moderator_client):
        article = ArticleFactory()
        comment = held(article)
        CommentFactory.create_batch(3, article=article)
        moderator_client.get(url("in_place", comment))  # warm the caches of the session
        assert_budget(
            moderator_client,
            url("in_place", comment),
            IN_PLACE_BUDGET,
            lambda: CommentFactory.create_batch(40, article=article),
        )


# Session, user, the group's permissions (two), the nav's counts, the comment
# and its article, the discussion settings, the thread, the site's name.
IN_PLACE_BUDGET = 9


class TestAccess:
    STAFF_VIEWS = ["quick_edit", "in_place", "reply"]

    @pytest.mark.parametrize("name", STAFF_VIEWS)
    def test_moderators_reach_every_view(self, moderator_client, name):
        comment = held()
        assert moderator_client.get(url(name, comment)).status_code == 200

    @pytest.mark.parametrize("name", STAFF_VIEWS)
    def test_editors_do_not(self, client, editor, name):
        comment = held()
        client.force_login(editor)
        assert client.get(url(name, comment)).status_code == 403

    @pytest.mark.parametrize(
        "name", ["spam", "trash", "approve", "quick_edit", "reply", "delete_permanently"]
    )
    def test_editors_change_nothing(self, client, editor, name):
        comment = held()
        client.force_login(editor)
        assert client.post(url(name, comment), {"body": "x"}).status_code == 403
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING
        assert not Comment.objects.filter(parent=comment).exists()

    def test_editors_see_no_counts_in_the_navigation(self, client, editor):
        client.force_login(editor)
        held()
        html = client.get("/admin/").content.decode()
        assert "moderation-count" not in html and "awaiting moderation" not in html

    def test_anonymous_goes_to_the_login_page(self, client):
        comment = held()
        response = client.get(url("in_place", comment))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


class TestNewSpamSinceTheLastLook:
    def spam_at(self, moment, count=1):
        with time_machine.travel(moment, tick=False):
            for _ in range(count):
                held(status=Comment.Status.SPAM)

    def nav_counts(self, client, path=CHANGELIST + "?status=approved"):
        html = client.get(path).content.decode()
        return re.search(
            r'class="moderation-counts"><a href="([^"]+)"[^>]*>(\d+) pending</a> '
            r'<a href="([^"]+)"[^>]*>(\d+) new spam</a>',
            html,
        )

    def test_counts_spam_received_after_the_spam_view_was_opened(self, admin_client, admin_user):
        DiscussionSettings.load()
        held()
        self.spam_at(NOW - timedelta(days=2), count=2)
        found = self.nav_counts(admin_client)
        assert found.group(2, 4) == ("1", "2")  # never looked: all of it is new
        assert found.group(1) == CHANGELIST  # it opens on pending comments
        assert found.group(3) == CHANGELIST + "?status=spam"

        with time_machine.travel(NOW - timedelta(days=1), tick=False):
            admin_client.get(CHANGELIST + "?status=spam")
        assert ModeratorVisit.objects.get(user=admin_user).spam_seen_at == NOW - timedelta(days=1)
        assert self.nav_counts(admin_client).group(4) == "0"

        self.spam_at(NOW)
        assert self.nav_counts(admin_client).group(4) == "1"
        html = admin_client.get("/admin/").content.decode()
        assert "<strong>1</strong> new spam comment since you last looked" in html
        assert "<strong>1</strong> comment awaiting moderation" in html

    def test_each_moderator_has_their_own_last_look(self, moderator_client, admin_client):
        self.spam_at(NOW - timedelta(hours=1), count=3)
        with time_machine.travel(NOW, tick=False):
            moderator_client.get(CHANGELIST + "?status=spam")
        assert self.nav_counts(moderator_client, "/admin/").group(4) == "0"
        assert self.nav_counts(admin_client).group(4) == "3"

    @pytest.mark.parametrize(
        "path", ["/admin/", CHANGELIST, CHANGELIST + "?status=all", "dashboard", "change"]
    )
    def test_one_counting_query_a_page(self, moderator_client, path):
        comment = held()
        self.spam_at(NOW)
        path = {"dashboard": url("dashboard"), "change": url("change", comment)}.get(path, path)
        moderator_client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = moderator_client.get(path)
        assert response.status_code == 200
        assert "moderation-count" in response.content.decode()
        counting = [q["sql"] for q in queries if "new_spam" in q["sql"]]
        assert len(counting) == 1, counting

    def test_spam_view_same_queries_for_10_and_50_comments(self, moderator_client):
        self.spam_at(NOW, count=10)
        moderator_client.get(CHANGELIST + "?status=spam")
        assert_budget(
            moderator_client,
            CHANGELIST + "?status=spam",
            SPAM_VIEW_BUDGET,
            lambda: self.spam_at(NOW, count=40),
        )


# Session, user, the group's permissions (two), the visit recorded (one UPDATE),
# the status counts with the new spam (one UNION), the approved count, the
# paginator's bounded count, the page, its hold reasons, the site's name (header).
SPAM_VIEW_BUDGET = 11


def test_the_queue_page_carries_the_script_help_and_live_region(moderator_client):
    held()
    html = moderator_client.get(CHANGELIST).content.decode()
    assert "comments/admin/queue.js" in html and "comments/admin/queue.css" in html
    assert 'id="queue-live"' in html and 'aria-live="polite"' in html
    assert "<summary>Keyboard shortcuts</summary>" in html
    assert "<script>" not in html and ' style="' not in html  # the site's CSP


def test_json_answers_are_json(moderator_client):
    comment = held()
    response = moderator_client.post(url("trash", comment), **JSON)
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["status"] == "trash"


def test_a_row_without_html_shows_its_text_escaped(moderator_client):
    """Rows written by bulk_create() (no save()) have no body_html: the text is shown, escaped."""
    article = ArticleFactory()
    Comment.objects.bulk_create(
        [Comment(article=article, author_name="Bulk", body="a <b>bold</b> claim", status="pending")]
    )
    html = moderator_client.get(CHANGELIST).content.decode()
    assert (
        '<div class="queue-text comment-content"><p>a &lt;b&gt;bold&lt;/b&gt; claim</p></div>'
        in html
    )
