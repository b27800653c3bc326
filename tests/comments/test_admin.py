"""The moderators' queue in the Django admin, its permissions and the Moderators group."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings, HoldReason
from tests.comments.conftest import CHANGELIST, held, staff
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return staff("editor", perms=["view_article", "change_article", "add_article", "view_author"])


def action(client, name, comments):
    return client.post(
        CHANGELIST + "?status=all",
        {"action": name, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


class TestModeratorsGroup:
    def test_group_can_view_change_and_moderate_comments_only(self):
        group = Group.objects.get(name="Moderators")
        perms = {(p.content_type.app_label, p.codename) for p in group.permissions.all()}
        assert perms == {
            ("comments", "view_comment"),
            ("comments", "change_comment"),
            ("comments", "moderate_comment"),
        }

    def test_moderator_reaches_queue_but_not_articles_users_or_settings(self, moderator_client):
        assert moderator_client.get(CHANGELIST).status_code == 200
        for url in (
            "/admin/posts/article/",
            "/admin/posts/article/add/",
            "/admin/auth/user/",
            "/admin/auth/group/",
            "/admin/comments/discussionsettings/1/change/",
        ):
            assert moderator_client.get(url).status_code == 403, url

    def test_moderator_cannot_edit_an_article(self, moderator_client):
        article = ArticleFactory(title="Original")
        response = moderator_client.post(
            f"/admin/posts/article/{article.pk}/change/", {"title": "Defaced"}
        )
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.title == "Original"

    def test_moderator_can_approve(self, moderator_client, moderator):
        comment = held()
        response = action(moderator_client, "approve", [comment])
        assert response.status_code == 200
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        assert comment.approved_by == moderator


class TestAccess:
    def test_anonymous_is_sent_to_login_and_changes_nothing(self, client):
        comment = held()
        response = client.get(CHANGELIST)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        response = client.post(reverse("admin:comments_comment_approve", args=[comment.pk]))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING

    def test_editor_cannot_reach_the_queue_or_approve(self, client, editor):
        comment = held()
        client.force_login(editor)
        assert client.get(CHANGELIST).status_code == 403
        response = client.post(reverse("admin:comments_comment_approve", args=[comment.pk]))
        assert response.status_code == 403
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING

    def test_viewer_without_moderate_permission_gets_no_actions(self, client):
        viewer = staff("viewer", perms=["view_comment", "change_comment"])
        comment = held()
        client.force_login(viewer)
        html = client.get(CHANGELIST).content.decode()
        assert 'value="approve"' not in html
        assert "/approve/" not in html
        action(client, "approve", [comment])
        response = client.post(reverse("admin:comments_comment_spam", args=[comment.pk]))
        assert response.status_code == 403
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING

    def test_nobody_adds_comments_from_the_admin(self, moderator_client, admin_client):
        assert moderator_client.get("/admin/comments/comment/add/").status_code == 403
        assert admin_client.get("/admin/comments/comment/add/").status_code == 403


class TestQueue:
    def test_opens_on_pending_newest_first(self, moderator_client):
        article = ArticleFactory()
        older = held(
            article, body="Older pending", submitted=timezone.now() - timezone.timedelta(hours=2)
        )
        newer = held(article, body="Newer pending")
        CommentFactory(article=article, body="Already approved")
        CommentFactory(article=article, body="Spammy", status=Comment.Status.SPAM)
        html = moderator_client.get(CHANGELIST).content.decode()
        assert "Already approved" not in html
        assert "Spammy" not in html
        assert html.index("Newer pending") < html.index("Older pending")
        assert newer.pk and older.pk

    def test_status_filter_all_and_spam(self, moderator_client):
        CommentFactory(body="Approved one")
        CommentFactory(body="Spam one", status=Comment.Status.SPAM)
        held(body="Pending one")
        html = moderator_client.get(CHANGELIST + "?status=all").content.decode()
        assert all(text in html for text in ("Approved one", "Spam one", "Pending one"))
        html = moderator_client.get(CHANGELIST + "?status=spam").content.decode()
        assert "Spam one" in html and "Pending one" not in html

    def test_columns(self, moderator_client):
        article = ArticleFactory(title="The exurban vote")
        parent = CommentFactory(article=article, body="The parent comment text")
        CommentFactory(author_email="repeat@example.org")
        CommentFactory(author_email="repeat@example.org")
        comment = held(
            article,
            parent=parent,
            author_name="Jane Q",
            author_email="repeat@example.org",
            author_url="https://jane.example",
            ip_address="203.0.113.50",
            captcha_score=0.1,
            body="A held reply",
        )
        html = moderator_client.get(CHANGELIST).content.decode()
        row = html.split(f'value="{comment.pk}"')[1].split("</tr>")[0]
        for text in (
            "A held reply",
            "Jane Q",
            "repeat@example.org",
            "https://jane.example",
            "203.0.113.50",
            "The exurban vote",
            # Held: the article's public page, and the staff view of the comment in place.
            f'href="{article.get_absolute_url()}" class="on-site"',
            f'href="{CHANGELIST}{comment.pk}/in-place/"',
            "In reply to",
            "The parent comment text",
            "Low captcha score: score 0.1, threshold 0.5",
            "captcha score 0.1",
        ):
            assert text in row, text
        assert re.search(r'class="queue-author-approved"[^>]*>2 approved<', row)

    def test_approved_comment_links_to_itself_on_the_site(self, moderator_client):
        comment = CommentFactory(body="Shown to readers")
        html = moderator_client.get(CHANGELIST + "?status=approved").content.decode()
        assert f'href="{comment.get_absolute_url()}" class="on-site"' in html
        assert f"{comment.pk}/in-place/" not in html

    def test_filter_by_reason(self, moderator_client):
        held(body="Low score one")
        other = CommentFactory(body="Links one", status=Comment.Status.PENDING)
        HoldReason.objects.create(comment=other, code=HoldReason.Code.TOO_MANY_LINKS)
        html = moderator_client.get(CHANGELIST + "?reason=too_many_links").content.decode()
        assert "Links one" in html and "Low score one" not in html

    def test_filter_by_article(self, moderator_client):
        first, second = ArticleFactory(), ArticleFactory()
        held(first, body="On first")
        held(second, body="On second")
        html = moderator_client.get(f"{CHANGELIST}?article__id__exact={first.pk}").content.decode()
        assert "On first" in html and "On second" not in html

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("needle-text", {"body": "has needle-text inside"}),
            ("Needle Name", {"author_name": "Needle Name"}),
            ("needle@example.org", {"author_email": "needle@example.org"}),
            ("198.51.100.23", {"ip_address": "198.51.100.23"}),
        ],
    )
    def test_search(self, moderator_client, query, field):
        target = held(**field)
        held(
            body="Unrelated",
            author_name="Other",
            author_email="o@example.org",
            ip_address="192.0.2.1",
        )
        html = moderator_client.get(CHANGELIST, {"q": query}).content.decode()
        assert f'value="{target.pk}"' in html
        assert "Unrelated" not in html


class TestModerating:
    def test_bulk_actions(self, moderator_client, moderator):
        a, b = held(), held()
        action(moderator_client, "mark_spam", [a, b])
        assert set(Comment.objects.values_list("status", flat=True)) == {"spam"}
        action(moderator_client, "move_to_trash", [a])
        a.refresh_from_db()
        assert a.status == Comment.Status.TRASH
        action(moderator_client, "restore", [a, b])
        # Out of the trash a goes back to spam, as in WordPress; b is "not spam": pending.
        a.refresh_from_db()
        b.refresh_from_db()
        assert (a.status, b.status) == (Comment.Status.SPAM, Comment.Status.PENDING)
        action(moderator_client, "approve", [a, b])
        for comment in (a, b):
            comment.refresh_from_db()
            assert comment.status == Comment.Status.APPROVED
            assert comment.approved_by == moderator
            assert comment.approved_at is not None

    @pytest.mark.parametrize("before", ["pending", "approved"])
    @pytest.mark.parametrize("away", ["trash", "mark_spam"])
    def test_restore_puts_back_the_status_before(self, moderator_client, before, away):
        comment = held(status=before)
        getattr(comment, away)()
        assert comment.status_before == before
        action(moderator_client, "restore", [comment])
        comment.refresh_from_db()
        assert comment.status == before
        assert comment.status_before == ""

    def test_restore_without_a_status_before_is_pending(self, moderator_client):
        spam = held(status=Comment.Status.SPAM)  # arrived as spam: never had another status
        action(moderator_client, "restore", [spam])
        spam.refresh_from_db()
        assert spam.status == Comment.Status.PENDING
        action(moderator_client, "restore", [spam])  # restore leaves other statuses alone
        spam.refresh_from_db()
        assert spam.status == Comment.Status.PENDING

    @pytest.mark.parametrize(
        ("status", "buttons", "links"),
        [
            ("pending", ["approve", "spam", "trash"], True),
            ("approved", ["unapprove", "spam", "trash"], True),
            # Delete permanently needs the delete permission, which moderators lack.
            ("spam", ["restore"], False),
            ("trash", ["restore"], False),
        ],
    )
    def test_row_actions_per_status(self, moderator_client, status, buttons, links):
        comment = held(status=status)
        html = moderator_client.get(CHANGELIST, {"status": status}).content.decode()
        shown = re.findall(rf'formaction="{CHANGELIST}{comment.pk}/([\w-]+)/"', html)
        assert shown == buttons
        reply = reverse("admin:comments_comment_reply", args=[comment.pk])
        assert (f'href="{reply}">Reply</a>' in html) is links
        edit = reverse("admin:comments_comment_change", args=[comment.pk])
        assert (f'href="{edit}" data-quick-edit-url=' in html) is links
        assert ("Quick edit</a>" in html) is links

    @pytest.mark.parametrize(
        ("status", "buttons", "labels"),
        [
            ("spam", ["restore", "delete-permanently"], ["Not spam", "Delete permanently"]),
            ("trash", ["restore", "delete-permanently"], ["Restore", "Delete permanently"]),
        ],
    )
    def test_spam_and_trash_views_offer_delete_permanently_to_who_may_delete(
        self, admin_client, status, buttons, labels
    ):
        comment = held(status=status)
        html = admin_client.get(CHANGELIST, {"status": status}).content.decode()
        assert re.findall(rf'formaction="{CHANGELIST}{comment.pk}/([\w-]+)/"', html) == buttons
        for label in labels:
            assert f"formnovalidate>{label}</button>" in html

    @pytest.mark.parametrize(
        ("status", "url", "after"),
        [
            ("pending", "approve", "approved"),
            ("approved", "unapprove", "pending"),
            ("pending", "spam", "spam"),
            ("approved", "trash", "trash"),
        ],
    )
    def test_row_action_changes_status(self, moderator_client, status, url, after):
        comment = held(status=status)
        response = moderator_client.post(f"{CHANGELIST}{comment.pk}/{url}/")
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.status == after
        if after in ("spam", "trash"):
            moderator_client.post(f"{CHANGELIST}{comment.pk}/restore/")
            comment.refresh_from_db()
            assert comment.status == status

    def test_status_filter_shows_counts(self, moderator_client):
        for status, n in [("pending", 3), ("approved", 2), ("spam", 1)]:
            for _ in range(n):
                held(status=status)
        html = moderator_client.get(CHANGELIST).content.decode()
        for label in ["Pending (3)", "Approved (2)", "Spam (1)", "Trash (0)", "All (6)"]:
            assert label in html

    @pytest.mark.django_db(transaction=True)
    def test_approve_makes_the_comment_visible_at_once(self, moderator_client, client):
        article = ArticleFactory()
        comment = held(article, body="Now you see me")
        from django.test import Client

        reader = Client()
        assert "Now you see me" not in reader.get(article.get_absolute_url()).content.decode()
        response = moderator_client.post(
            reverse("admin:comments_comment_approve", args=[comment.pk]),
            HTTP_REFERER="http://testserver" + CHANGELIST,
        )
        assert response.status_code == 302
        assert response["Location"] == "http://testserver" + CHANGELIST
        html = reader.get(article.get_absolute_url()).content.decode()
        assert f'id="comment-{comment.pk}"' in html
        assert "Now you see me" in html

    def test_row_buttons_post_with_csrf_not_get(self, moderator_client):
        comment = held()
        html = moderator_client.get(CHANGELIST).content.decode()
        approve_url = reverse("admin:comments_comment_approve", args=[comment.pk])
        assert f'formmethod="post" formaction="{approve_url}"' in html
        assert 'name="csrfmiddlewaretoken"' in html  # the changelist form carries it
        assert moderator_client.get(approve_url).status_code == 405
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING

    def test_row_action_requires_csrf_token(self, moderator):
        from django.test import Client

        comment = held()
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(moderator)
        response = csrf_client.post(reverse("admin:comments_comment_spam", args=[comment.pk]))
        assert response.status_code == 403
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING

    def test_moderator_edits_text_and_html_follows(self, moderator_client):
        comment = held(body="Tpyo here")
        response = moderator_client.post(
            f"{CHANGELIST}{comment.pk}/change/",
            {
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": "",
                "body": "Typo fixed, see https://example.com",
            },
        )
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.body == "Typo fixed, see https://example.com"
        assert 'rel="nofollow ugc noopener"' in comment.body_html
        assert comment.status == Comment.Status.PENDING  # editing is not approving

    def test_spam_row_action(self, moderator_client):
        comment = held()
        moderator_client.post(reverse("admin:comments_comment_spam", args=[comment.pk]))
        comment.refresh_from_db()
        assert comment.status == Comment.Status.SPAM

    def test_redirect_back_refuses_other_hosts(self, moderator_client):
        comment = held()
        response = moderator_client.post(
            reverse("admin:comments_comment_approve", args=[comment.pk]),
            HTTP_REFERER="https://evil.example/",
        )
        assert response["Location"] == CHANGELIST

    def test_reply_as_the_publication(self, moderator_client, moderator):
        parent = held(body="A question for the editors")
        url = reverse("admin:comments_comment_reply", args=[parent.pk])
        page = moderator_client.get(url)
        assert page.status_code == 200
        assert "A question for the editors" in page.content.decode()
        response = moderator_client.post(url, {"body": "Thanks, we have corrected it."})
        assert response.status_code == 302
        reply = Comment.objects.get(parent=parent)
        assert reply.author_name == "The Democratic Strategist"
        assert reply.status == Comment.Status.APPROVED
        assert reply.user == moderator and reply.approved_by == moderator
        assert reply.author_email == ""
        parent.refresh_from_db()
        assert parent.status == Comment.Status.APPROVED  # answering approves the question

    def test_reply_requires_moderate_permission(self, client):
        viewer = staff("viewer2", perms=["view_comment", "change_comment"])
        client.force_login(viewer)
        parent = held()
        url = reverse("admin:comments_comment_reply", args=[parent.pk])
        assert client.post(url, {"body": "Hi"}).status_code == 403
        assert not Comment.objects.filter(parent=parent).exists()

    def test_change_page_offers_approve_spam_and_reply(self, moderator_client):
        comment = held()
        html = moderator_client.get(f"{CHANGELIST}{comment.pk}/change/").content.decode()
        assert reverse("admin:comments_comment_approve", args=[comment.pk]) in html
        assert reverse("admin:comments_comment_reply", args=[comment.pk]) in html
        assert "Low captcha score" in html
        for url in ("approve", "spam", "trash"):
            assert f'action="{CHANGELIST}{comment.pk}/{url}/"' in html
        assert f'action="{CHANGELIST}{comment.pk}/unapprove/"' not in html


class TestAdminIndexAndSettings:
    def test_index_shows_pending_count(self, moderator_client):
        held()
        held()
        CommentFactory()
        html = moderator_client.get("/admin/").content.decode()
        assert re.search(r"<strong>2</strong> comments awaiting moderation", html)

    def test_index_hides_count_from_users_without_comment_access(self, client, editor):
        client.force_login(editor)
        assert "awaiting moderation" not in client.get("/admin/").content.decode()

    def test_superuser_edits_discussion_settings(self, admin_client):
        response = admin_client.get("/admin/comments/discussionsettings/")
        assert response.status_code == 302
        url = "/admin/comments/discussionsettings/1/change/"
        response = admin_client.post(
            url,
            {
                "approval_policy": "hold_all",
                "max_links": "3",
                "hold_words": "casino",
                "disallowed_words": "viagra",
                "close_after_days": "30",
                "thread_depth": "4",
                "page_comments": "on",
                "comments_per_page": "25",
                "default_comments_page": "first",
                "comment_order": "newest",
                "moderator_emails": "ed@example.org",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        discussion = DiscussionSettings.load()
        assert discussion.approval_policy == "hold_all"
        assert discussion.max_links == 3
        assert discussion.thread_depth == 4
        assert discussion.page_comments is True
        assert discussion.comments_per_page == 25
        assert discussion.default_comments_page == "first"
        assert discussion.comment_order == "newest"
        assert discussion.moderator_email_list() == ["ed@example.org"]


@pytest.mark.django_db(transaction=True)
class TestPageCache:
    """Status changes reach readers as soon as they commit, even when article pages are cached."""

    def warm(self, reader, url):
        reader.get(url)  # sets the CSRF cookie
        reader.get(url)  # stored in the page cache
        response = reader.get(url)
        assert response.headers.get("X-Page-Cache") == "hit"
        return response

    @pytest.mark.parametrize("method", ["approve", "mark_spam", "trash"])
    def test_status_change_invalidates_cached_article_page(self, settings, method):
        from django.test import Client

        settings.PAGE_CACHE_ENABLED = True
        article = ArticleFactory()
        shown = CommentFactory(article=article, body="Shown before")
        pending = held(article, body="Waiting in the queue")
        reader = Client()
        url = article.get_absolute_url()
        html = self.warm(reader, url).content.decode()
        assert "Waiting in the queue" not in html
        if method == "approve":
            Comment.objects.filter(pk=pending.pk).approve()
            assert "Waiting in the queue" in reader.get(url).content.decode()
        else:
            getattr(Comment.objects.filter(pk=shown.pk), method)()
            assert "Shown before" not in reader.get(url).content.decode()
            # Restored to approved, it is back on the cached page at once.
            self.warm(reader, url)
            Comment.objects.filter(pk=shown.pk).restore()
            assert "Shown before" in reader.get(url).content.decode()
