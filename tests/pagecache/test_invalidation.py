"""
The page cache drops every page showing something that changed, when the
change commits (these tests commit for real: transaction=True), and pages
expire by themselves when a scheduled article appears or comments close.
"""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

import pagecache
from comments.models import Comment, DiscussionSettings
from pagecache import generations, routers
from posts import views as posts_views
from posts.models import Article, SiteSettings
from tests.factories import ArticleFactory, CommentFactory, TagFactory, UserFactory
from tests.pagecache.conftest import cache_then, fetched_twice, get, visible_to_readers

pytestmark = pytest.mark.django_db(transaction=True)


def test_approving_a_comment_shows_it_on_the_next_request(article):
    comment = CommentFactory(article=article, status=Comment.Status.PENDING, body="Held text.")
    cache_then(article.get_absolute_url(), "Held text.", False)
    comment.approve()
    assert visible_to_readers(article.get_absolute_url(), "Held text.")


def test_bulk_approval_from_the_queue_shows_the_comments(article):
    other = ArticleFactory()
    CommentFactory(article=article, status=Comment.Status.PENDING, body="First held.")
    CommentFactory(article=other, status=Comment.Status.PENDING, body="Second held.")
    cache_then(article.get_absolute_url(), "First held.", False)
    cache_then(other.get_absolute_url(), "Second held.", False)
    Comment.objects.pending().approve()
    assert visible_to_readers(article.get_absolute_url(), "First held.")
    assert visible_to_readers(other.get_absolute_url(), "Second held.")


@pytest.mark.parametrize("action", ["mark_spam", "trash"])
def test_spam_or_trash_removes_an_approved_comment(article, action):
    comment = CommentFactory(article=article, body="Regrettable words.")
    cache_then(article.get_absolute_url(), "Regrettable words.", True)
    getattr(comment, action)()
    assert not visible_to_readers(article.get_absolute_url(), "Regrettable words.")


def test_restore_then_approve_brings_a_comment_back(article):
    comment = CommentFactory(article=article, body="Wrongly flagged.", status="spam")
    cache_then(article.get_absolute_url(), "Wrongly flagged.", False)
    comment.restore()
    assert comment.status == Comment.Status.PENDING
    assert not visible_to_readers(article.get_absolute_url(), "Wrongly flagged.")
    comment.approve()
    assert visible_to_readers(article.get_absolute_url(), "Wrongly flagged.")


@pytest.mark.parametrize(
    ("action", "status", "shown"),
    [
        ("approve", "pending", True),
        ("mark_spam", "approved", False),
        ("move_to_trash", "approved", False),
    ],
)
def test_moderation_queue_actions_invalidate(article, admin_client, action, status, shown):
    comment = CommentFactory(article=article, body="Queue decision.", status=status)
    cache_then(article.get_absolute_url(), "Queue decision.", not shown)
    response = admin_client.post(
        f"/admin/comments/comment/?status={status}",
        {"action": action, "_selected_action": [comment.pk], "index": 0},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status != status
    assert visible_to_readers(article.get_absolute_url(), "Queue decision.") is shown


class _Messages:
    def add(self, *args, **kwargs):
        pass


def test_approved_comment_updates_the_counts_on_list_pages(article):
    CommentFactory(article=article, status=Comment.Status.PENDING)
    home_before = get(Client(), "/").content.decode()
    assert get(Client(), "/")["X-Page-Cache"] == "hit"
    Comment.objects.filter(article=article).approve()
    home_after = get(Client(), "/").content.decode()
    assert home_after != home_before


def test_a_new_approved_comment_shows_and_a_new_pending_one_keeps_the_cache(article):
    url = article.get_absolute_url()
    cache_then(url, "Fresh approved.", False)
    CommentFactory(article=article, status=Comment.Status.PENDING, body="Fresh pending.")
    assert get(Client(), url)["X-Page-Cache"] == "hit"
    CommentFactory(article=article, body="Fresh approved.")
    assert visible_to_readers(url, "Fresh approved.")


def test_a_comment_on_one_article_keeps_other_articles_cached(article):
    other = ArticleFactory()
    get(Client(), other.get_absolute_url())
    Comment.objects.filter(pk=CommentFactory(article=article, status="pending").pk).approve()
    assert get(Client(), other.get_absolute_url())["X-Page-Cache"] == "hit"


def test_editing_an_article_updates_its_page_and_the_lists(article):
    cache_then(article.get_absolute_url(), "The exurban realignment", False)
    cache_then("/", "The exurban realignment", False)
    article.title = "The exurban realignment"
    article.save()
    assert visible_to_readers(article.get_absolute_url(), "The exurban realignment")
    assert visible_to_readers("/", "The exurban realignment")


def test_admin_publish_and_unpublish_actions_invalidate(article, rf):
    draft = ArticleFactory(title="Waiting memo", status=Article.Status.DRAFT)
    cache_then("/", "Waiting memo", False)
    model_admin = admin_site._registry[Article]
    request = rf.post("/admin/posts/article/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    request._messages = _Messages()
    model_admin.publish(request, Article.objects.filter(pk=draft.pk))
    assert visible_to_readers("/", "Waiting memo")
    cache_then(article.get_absolute_url(), "The suburban realignment", True)
    model_admin.unpublish(request, Article.objects.filter(pk=article.pk))
    assert Client().get(article.get_absolute_url()).status_code == 404
    assert not visible_to_readers("/", "The suburban realignment")


def test_queryset_update_then_invalidate_all(article):
    """Code that updates articles in bulk says so itself: update() sends no signal."""
    cache_then("/", "Bulk renamed", False)
    Article.objects.filter(pk=article.pk).update(title="Bulk renamed")
    assert not visible_to_readers("/", "Bulk renamed")  # update() sends no signal...
    pagecache.invalidate_all()
    assert visible_to_readers("/", "Bulk renamed")  # ...so bulk code says so itself


def test_renaming_a_tag_updates_article_and_tag_pages(article):
    tag = article.tags.get()
    cache_then(article.get_absolute_url(), "Exurbs", False)
    cache_then(tag.get_absolute_url(), "Exurbs", False)
    tag.name = "Exurbs"
    tag.save()
    assert visible_to_readers(article.get_absolute_url(), "Exurbs")
    assert visible_to_readers(tag.get_absolute_url(), "Exurbs")


def test_adding_a_tag_to_an_article_shows(article):
    new_tag = TagFactory(name="Rural Vote")
    cache_then(article.get_absolute_url(), "Rural Vote", False)
    article.tags.add(new_tag)
    assert visible_to_readers(article.get_absolute_url(), "Rural Vote")


def test_site_settings_change_updates_every_page(article):
    cache_then("/", "The Permanent Majority", False)
    cache_then(article.get_absolute_url(), "The Permanent Majority", False)
    site_settings = SiteSettings.load()
    site_settings.name = "The Permanent Majority"
    site_settings.save()
    assert visible_to_readers("/", "The Permanent Majority")
    assert visible_to_readers(article.get_absolute_url(), "The Permanent Majority")


def test_closing_comments_in_the_discussion_settings_removes_the_form():
    discussion = DiscussionSettings.load()
    discussion.close_after_days = 0  # never
    discussion.save()
    article = ArticleFactory(pub_date=timezone.now() - timedelta(days=3))
    cache_then(article.get_absolute_url(), "Comments are closed", False)
    discussion.close_after_days = 1
    discussion.save()
    assert visible_to_readers(article.get_absolute_url(), "Comments are closed")


def test_comments_close_by_age_on_a_cached_page(article, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    discussion = DiscussionSettings.load()
    discussion.close_after_days = 1
    discussion.save()
    cache_then(article.get_absolute_url(), "Comments are closed", False)
    time_machine.shift(timedelta(days=1, seconds=1))
    assert visible_to_readers(article.get_absolute_url(), "Comments are closed")


def test_scheduled_article_appears_at_its_time_despite_the_cache(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    ArticleFactory(title="Already out")
    ArticleFactory(
        title="Scheduled memo",
        status=Article.Status.PUBLISHED,  # saved as scheduled: its time is ahead
        pub_date=timezone.now() + timedelta(seconds=2),
    )
    cache_then("/", "Scheduled memo", False)
    time_machine.shift(timedelta(seconds=1))
    cache_then("/", "Scheduled memo", False)
    time_machine.shift(timedelta(seconds=1.2))
    assert visible_to_readers("/", "Scheduled memo")


def test_comments_closing_by_age_bound_the_page_lifetime(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    discussion = DiscussionSettings.load()
    discussion.close_after_days = 2
    discussion.save()
    article = ArticleFactory(pub_date=timezone.now() - timedelta(days=2) + timedelta(seconds=30))
    cache_then(article.get_absolute_url(), "Comments are closed", False)
    time_machine.shift(timedelta(seconds=29))
    cache_then(article.get_absolute_url(), "Comments are closed", False)
    time_machine.shift(timedelta(seconds=2))
    assert visible_to_readers(article.get_absolute_url(), "Comments are closed")


def test_generation_counters_evicted_from_the_cache_never_come_back_the_same(article):
    """A counter lost from the cache gets a new value: pages stored under the old are dropped."""
    url = article.get_absolute_url()
    cache_then(url, "The suburban realignment", True)
    before = generations.current([generations.SITE])[0]
    cache.delete(generations.SITE)
    assert generations.current([generations.SITE])[0] != before
    assert get(Client(), url)["X-Page-Cache"] == "miss"


def test_changes_in_one_transaction_are_applied_once_when_it_commits(article, monkeypatch):
    from django.db import transaction

    applied = []
    original = generations._apply
    monkeypatch.setattr(generations, "_apply", lambda keys: (applied.append(keys), original(keys)))
    url = article.get_absolute_url()
    cache_then(url, "Renamed twice", False)
    with transaction.atomic():
        article.title = "Renamed once"
        article.save()
        article.title = "Renamed twice"
        article.save()
        CommentFactory(article=article, body="Said in passing.")
        assert applied == []
        assert get(Client(), url)["X-Page-Cache"] == "hit"
    assert len(applied) == 1
    assert visible_to_readers(url, "Renamed twice")
    assert visible_to_readers(url, "Said in passing.")


def test_a_rolled_back_change_keeps_the_cached_page(article):
    from django.db import transaction

    url = article.get_absolute_url()
    cache_then(url, "Never happened", False)
    with pytest.raises(RuntimeError), transaction.atomic():
        article.title = "Never happened"
        article.save()
        raise RuntimeError("rolled back")
    assert get(Client(), url)["X-Page-Cache"] == "hit"


def test_pages_rendered_for_the_cache_read_from_the_primary(article, monkeypatch):
    """A lagging replica must never be written into the shared cache."""
    pinned = []
    original = posts_views.render_article

    def render_article(*args, **kwargs):
        pinned.append(routers.is_pinned())
        return original(*args, **kwargs)

    monkeypatch.setattr(posts_views, "render_article", render_article)
    get(Client(), article.get_absolute_url())  # a miss, stored for everyone
    reader = Client()
    reader.cookies["some_preference"] = "1"
    get(reader, article.get_absolute_url())  # a bypass, for this reader only
    assert pinned == [True, False]


def test_a_change_made_while_a_page_renders_is_not_hidden_by_it(article, monkeypatch):
    """A page rendered while a moderator approves a comment is not served afterwards."""
    comment = CommentFactory(article=article, status=Comment.Status.PENDING, body="Mid-render.")
    original = posts_views.render_article

    def approve_meanwhile(*args, **kwargs):
        response = original(*args, **kwargs)  # the comments are read...
        Comment.objects.filter(pk=comment.pk).approve()  # ...then approved elsewhere
        return response

    monkeypatch.setattr(posts_views, "render_article", approve_meanwhile)
    first = get(Client(), article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    monkeypatch.setattr(posts_views, "render_article", original)
    assert visible_to_readers(article.get_absolute_url(), "Mid-render.")


def test_the_first_reader_of_a_new_site_fills_the_cache():
    """Making the single-row settings with their defaults changes no page."""
    SiteSettings.objects.all().delete()
    DiscussionSettings.objects.all().delete()
    article = ArticleFactory()
    fetched_twice(article.get_absolute_url())
    fetched_twice("/")
