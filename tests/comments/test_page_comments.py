"""
Comments on pages (posts.Page): off unless an editor switches them on; then
everything an article's comments have: the form, moderation, replies, pages of
comments, the permalink, the queue, the emails, the feeds, privacy, the page
cache and the trash.
"""

import json
import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from comments.models import Comment, DiscussionSettings, HoldReason, Subscriber, Subscription
from comments.privacy import erase_personal_data, export_personal_data
from comments.spam import sign_timestamp
from posts.models import Page, SiteSettings
from posts.trash import purge_expired
from tests.comment_helpers import comment_data
from tests.comments.conftest import CHANGELIST
from tests.factories import ArticleFactory, CommentFactory, PageFactory
from tests.posts.test_pages import TestQueryBudget as PageViewBudget
from tests.query_budget import assert_budget

pytestmark = pytest.mark.django_db

Policy = DiscussionSettings.ApprovalPolicy


@pytest.fixture(autouse=True)
def _google(fake_google):
    return fake_google


@pytest.fixture
def about():
    return PageFactory(title="About", slug="about")


@pytest.fixture
def team(about):
    """/about/team/, its comments switched on."""
    return PageFactory(title="Our team", slug="team", parent=about, comments_open=True)


@pytest.fixture
def discussion():
    return DiscussionSettings.load()


def approve_all(discussion):
    discussion.approval_policy = Policy.APPROVE
    discussion.save()


def page_comment(page, **kwargs):
    """A comment on ``page`` (approved unless told)."""
    return CommentFactory(article=None, page=page, **kwargs)


def page_data(page, **overrides):
    """A complete form submission for a page, loaded a minute ago."""
    overrides.setdefault("timestamp", sign_timestamp(f"page-{page.pk}", now=time.time() - 60))
    return comment_data(page, **overrides)


def post(client, page, ip="203.0.113.7", **overrides):
    return client.post(
        f"/comments/post/page/{page.pk}/",
        page_data(page, **overrides),
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Mozilla/5.0 (test)",
    )


def html_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


class TestSwitchedOff:
    def test_a_page_takes_no_comments_by_default(self, about):
        assert Page._meta.get_field("comments_open").default is False
        assert about.comments_open is False
        html = html_of(Client(), "/about/")
        assert "Leave a Reply" not in html
        assert 'id="comments"' not in html
        assert "/comments/post/" not in html

    def test_a_forged_post_is_refused_with_the_text_back(self, client, about):
        response = post(client, about, comment="My words, kept.")
        assert response.status_code == 403
        html = response.content.decode()
        assert "Comments are closed" in html
        assert "My words, kept." in html
        assert not Comment.objects.exists()

    def test_switching_off_hides_the_comments_already_left(
        self, team, django_capture_on_commit_callbacks
    ):
        page_comment(team, body="Left while open")
        assert "Left while open" in html_of(Client(), "/about/team/")
        with django_capture_on_commit_callbacks(execute=True):
            team.comments_open = False
            team.save()
        html = html_of(Client(), "/about/team/")
        assert "Left while open" not in html
        assert "Leave a Reply" not in html
        assert Client().get("/about/team/feed/").status_code == 404

    def test_a_draft_page_takes_no_comment(self, client, about):
        draft = PageFactory(status=Page.Status.DRAFT, comments_open=True)
        assert post(client, draft).status_code == 404

    def test_a_comment_answers_an_article_or_a_page_never_both_or_neither(self, team):
        article = ArticleFactory()
        for target in ({"article": article, "page": team}, {"article": None, "page": None}):
            with pytest.raises(IntegrityError), transaction.atomic():
                Comment.objects.create(author_name="X", body="x", **target)

    def test_comments_on_pages_do_not_close_by_age(self, discussion):
        discussion.close_after_days = 14
        discussion.save()
        with time_machine.travel(timezone.now() - timedelta(days=400)):
            old = PageFactory(slug="old", comments_open=True)
        assert discussion.comments_open_for(old)
        assert "Leave a Reply" in html_of(Client(), "/old/")


class TestSwitchedOn:
    def test_the_nested_page_shows_the_form_posting_to_the_page(self, team):
        html = html_of(Client(), "/about/team/")
        assert "Leave a Reply" in html
        assert f'action="/comments/post/page/{team.pk}/"' in html

    def test_an_approved_comment_shows_under_the_page(self, client, team, discussion):
        approve_all(discussion)
        response = post(client, team, comment="The team is strong.")
        assert response.status_code == 302, response.content.decode()[:400]
        comment = Comment.objects.get()
        assert (comment.page, comment.article) == (team, None)
        assert comment.target == team
        assert comment.status == Comment.Status.APPROVED
        assert comment.get_absolute_url() == f"/about/team/#comment-{comment.pk}"
        assert str(comment) == "Jane Reader on Our team"
        html = html_of(Client(), "/about/team/")
        assert "The team is strong." in html
        assert ">1 Comment<" in html

    def test_a_first_comment_is_held_as_on_an_article(self, client, team):
        post(client, team)
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        codes = set(comment.hold_reasons.values_list("code", flat=True))
        assert HoldReason.Code.FIRST_COMMENT in codes
        assert "Turnout in the suburbs" not in html_of(Client(), "/about/team/")

    def test_a_reply_is_threaded_under_its_parent(self, client, team, discussion):
        approve_all(discussion)
        parent = page_comment(team, author_name="First")
        post(client, team, parent=str(parent.pk), comment="A reply on the page.")
        reply = Comment.objects.get(body="A reply on the page.")
        assert reply.parent == parent
        html = html_of(Client(), "/about/team/")
        assert re.search(r'class="children">\s*<li[^>]*class="comment depth-2', html)

    def test_a_comment_of_another_target_is_no_parent(self, client, team, discussion):
        approve_all(discussion)
        elsewhere = CommentFactory()  # on an article
        post(client, team, parent=str(elsewhere.pk), comment="Top-level after all.")
        assert Comment.objects.get(body="Top-level after all.").parent is None

    def test_an_articles_form_timestamp_does_not_pass_for_a_page(self, client, team, discussion):
        approve_all(discussion)
        article = ArticleFactory(pk=team.pk)  # the same id: the keys still differ
        post(client, team, timestamp=sign_timestamp(article.pk, now=time.time() - 60))
        comment = Comment.objects.get()
        assert comment.status != Comment.Status.APPROVED
        assert comment.hold_reasons.filter(code=HoldReason.Code.BAD_TIMESTAMP).exists()

    def test_an_error_shows_the_page_with_the_text_back(self, client, team):
        response = post(client, team, email="not-an-email", comment="Keep these words.")
        assert response.status_code == 400
        html = response.content.decode()
        assert "<h1>Our team</h1>" in html
        assert "Keep these words." in html
        assert 'rel="canonical" href="http://testserver/about/team/"' in html

    def test_a_duplicate_on_the_page_is_refused(self, client, team, discussion):
        approve_all(discussion)
        assert post(client, team).status_code == 302
        assert post(client, team, ip="203.0.113.8").status_code == 409


class TestPageCache:
    @pytest.fixture(autouse=True)
    def _cache_on(self, settings, team, discussion, django_capture_on_commit_callbacks):
        settings.PAGE_CACHE_ENABLED = True
        with django_capture_on_commit_callbacks(execute=True):
            SiteSettings.load()
            discussion.save()

    def test_approving_a_comment_rebuilds_the_pages_cached_copy(
        self, team, django_capture_on_commit_callbacks
    ):
        held = page_comment(team, status=Comment.Status.PENDING, body="Now approved")
        assert Client().get("/about/team/")["X-Page-Cache"] == "miss"
        assert Client().get("/about/team/")["X-Page-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            Comment.objects.filter(pk=held.pk).approve()
        response = Client().get("/about/team/")
        assert response["X-Page-Cache"] == "miss"
        assert "Now approved" in response.content.decode()

    def test_a_new_approved_comment_drops_the_cached_copy(
        self, team, django_capture_on_commit_callbacks
    ):
        assert Client().get("/about/team/")["X-Page-Cache"] == "miss"
        with django_capture_on_commit_callbacks(execute=True):
            page_comment(team, body="Fresh")
        assert "Fresh" in Client().get("/about/team/").content.decode()


class TestCommentPages:
    @pytest.fixture(autouse=True)
    def _paged(self, discussion):
        discussion.page_comments = True
        discussion.comments_per_page = 2
        discussion.default_comments_page = DiscussionSettings.DefaultPage.FIRST
        discussion.save()

    @pytest.fixture
    def five(self, team):
        return [page_comment(team, author_name=f"Top{n}") for n in range(1, 6)]

    def test_pages_of_comments_under_the_page_address(self, team, five):
        html = html_of(Client(), "/about/team/comment-page-2/")
        assert "Top3" in html and "Top4" in html and "Top1" not in html
        assert 'href="/about/team/comment-page-3/#comments"' in html
        assert '<link rel="canonical" href="http://testserver/about/team/comment-page-2/">' in html
        first = Client().get("/about/team/comment-page-1/")
        assert (first.status_code, first["Location"]) == (301, "/about/team/#comments")
        html_of(Client(), "/about/team/comment-page-4/", status=404)

    def test_the_permalink_lands_on_the_page_showing_it(self, five):
        response = Client().get(f"/comment/{five[4].pk}/")
        assert response.status_code == 302
        assert response["Location"] == f"/about/team/comment-page-3/#comment-{five[4].pk}"

    def test_a_page_without_comments_has_no_pages_of_them(self, about):
        html_of(Client(), "/about/comment-page-2/", status=404)

    def test_a_trashed_pages_comment_pages_are_gone(self, team, five):
        team.move_to_trash()
        assert Client().get("/about/team/comment-page-2/").status_code == 410


class TestPermalinkAndFeeds:
    def test_the_permalink_lands_on_the_page(self, team):
        comment = page_comment(team)
        response = Client().get(f"/comment/{comment.pk}/")
        assert response["Location"] == f"/about/team/#comment-{comment.pk}"

    def test_the_permalink_of_a_comment_on_a_page_switched_off_is_a_404(self, team):
        comment = page_comment(team)
        team.comments_open = False
        team.save()
        assert Client().get(f"/comment/{comment.pk}/").status_code == 404

    def test_the_pages_feed_and_the_sites_feed_carry_its_comments(self, team):
        page_comment(team, author_name="Feed Reader", body="Feed text")
        page_comment(team, author_name="Held Reader", status=Comment.Status.PENDING)
        feed = html_of(Client(), "/about/team/feed/")
        assert "Comments on: Our team" in feed
        assert "Feed text" in feed
        assert "Held Reader" not in feed
        site = html_of(Client(), "/feed/comments/")
        assert "Comment on Our team by Feed Reader" in site

    def test_tag_feeds_are_not_taken_for_a_pages(self):
        from tests.factories import TagFactory

        tag = TagFactory(slug="polls")
        ArticleFactory(tags=[tag])
        assert Client().get("/tag/polls/feed/").status_code == 200

    def test_a_trashed_articles_comment_feed_is_gone(self, django_capture_on_commit_callbacks):
        article = ArticleFactory()
        url = f"{article.get_absolute_url()}feed/"
        assert Client().get(url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            article.move_to_trash()
        assert Client().get(url).status_code == 410
        assert Client().get("/2001/01/never-was/feed/").status_code == 404


class TestModerators:
    def test_the_queue_shows_the_page_and_filters_by_it(self, moderator_client, team):
        held = page_comment(team, status=Comment.Status.PENDING, body="Queue me")
        CommentFactory(status=Comment.Status.PENDING, body="On an article")
        html = html_of(moderator_client, CHANGELIST)
        assert "Queue me" in html
        assert '>Our team</a> <span class="queue-target-kind">(page)</span>' in html
        assert f"page__id__exact={team.pk}" in html
        assert 'href="/about/team/"' in html
        filtered = html_of(moderator_client, f"{CHANGELIST}?page__id__exact={team.pk}")
        assert "Queue me" in filtered and "On an article" not in filtered
        assert "All pages" in filtered
        change = html_of(moderator_client, f"{CHANGELIST}{held.pk}/change/")
        assert "Our team" in change

    def test_a_moderators_reply_answers_the_page(self, moderator_client, team):
        parent = page_comment(team)
        response = moderator_client.post(f"{CHANGELIST}{parent.pk}/reply/", {"body": "Thanks."})
        assert response.status_code == 302
        reply = Comment.objects.get(parent=parent)
        assert (reply.page, reply.article) == (team, None)

    def test_the_in_place_view_shows_the_page(self, moderator_client, team):
        held = page_comment(team, status=Comment.Status.PENDING)
        html = html_of(moderator_client, f"{CHANGELIST}{held.pk}/in-place/")
        assert 'href="/about/team/">Our team</a>' in html

    def test_the_dashboard_counts_no_page_in_its_articles(self, moderator_client, team):
        page_comment(team)
        CommentFactory(article=ArticleFactory(title="A discussed article"))
        html = html_of(moderator_client, "/admin/comments/comment/dashboard/")
        assert "A discussed article" in html
        assert "Our team" not in html


class TestEmails:
    @pytest.fixture(autouse=True)
    def _site(self, settings):
        settings.SITE_URL = "https://strategist.example"

    def test_the_moderators_email_names_the_page(
        self, client, team, discussion, django_capture_on_commit_callbacks
    ):
        discussion.approval_policy = Policy.HOLD_ALL
        discussion.moderator_emails = "ed@example.org"
        discussion.save()
        with django_capture_on_commit_callbacks(execute=True):
            post(client, team)
        (message,) = mail.outbox
        assert message.subject == "Comment awaiting moderation: “Our team”"
        assert "A new comment on “Our team”" in message.body
        assert "https://strategist.example/about/team/" in message.body

    def test_reply_and_approval_emails_name_the_page(
        self, team, django_capture_on_commit_callbacks
    ):
        mine = page_comment(team, author_email="jane@example.org")
        subscriber = Subscriber.objects.create(
            email="jane@example.org", confirmed_at=timezone.now()
        )
        Subscription.objects.create(subscriber=subscriber, comment=mine)
        with django_capture_on_commit_callbacks(execute=True):
            page_comment(team, parent=mine, author_name="Sam")
        (message,) = mail.outbox
        assert message.subject == "Sam replied to your comment on “Our team”"
        assert "on “Our team”" in message.body
        mail.outbox.clear()
        held = page_comment(team, status=Comment.Status.PENDING, author_email="jane@example.org")
        Subscription.objects.create(subscriber=subscriber, comment=held)
        with django_capture_on_commit_callbacks(execute=True):
            Comment.objects.filter(pk=held.pk).approve()
        (message,) = mail.outbox
        assert message.subject == "Your comment on “Our team” is published"
        assert "Your comment on “Our team” was approved" in message.body


class TestPrivacy:
    def test_the_export_names_the_page_and_erasure_reaches_it(self, team):
        page_comment(team, author_email="jane@example.org", body="Mine on a page")
        data = export_personal_data("jane@example.org")
        (record,) = data["comments"]
        assert record["page"]["title"] == "Our team"
        assert record["page"]["url"].endswith("/about/team/")
        assert "article" not in record
        json.dumps(data)
        assert erase_personal_data("jane@example.org", erase_text=True) == 1
        assert not Comment.objects.filter(author_email="jane@example.org").exists()


class TestTrash:
    def test_the_trash_purge_takes_a_pages_comments_with_it(self, team):
        page_comment(team)
        page_comment(team, status=Comment.Status.PENDING)
        kept = CommentFactory()
        team.move_to_trash()
        with time_machine.travel(timezone.now() + timedelta(days=31)):
            purged = purge_expired()
        assert (purged.pages, purged.comments) == (1, 2)
        assert list(Comment.objects.all()) == [kept]


class TestQueryBudget:
    @pytest.fixture(autouse=True)
    def _no_page_cache(self, settings):
        settings.PAGE_CACHE_ENABLED = False
        SiteSettings.load()
        DiscussionSettings.load()

    # A page's view, plus the Discussion settings and its comments (one query each).
    BUDGET = PageViewBudget.PAGE_VIEW_BUDGET + 2

    def test_a_page_with_comments_costs_the_same_for_1_and_40_comments(self, team):
        page_comment(team)

        def forty():
            parent = None
            for number in range(39):
                parent = page_comment(team, parent=parent if number % 3 else None)

        _, html = assert_budget(Client(), "/about/team/", self.BUDGET, forty)
        assert ">40 Comments<" in html

    def test_a_page_with_comments_off_costs_no_more_than_before(self, about):
        assert_budget(Client(), "/about/", PageViewBudget.PAGE_VIEW_BUDGET)
