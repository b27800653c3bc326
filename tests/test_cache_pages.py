"""
The page cache (pagecache.middleware): what is cached, for whom, with which
headers, and that every change a reader could see drops the pages showing it.
"""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core import signing
from django.core.cache import cache
from django.middleware.csrf import _does_token_match
from django.test import Client
from django.utils import timezone

from comments import cookies
from comments.models import Comment, DiscussionSettings
from comments.spam import TIMESTAMP_SALT
from posts.models import Article, SiteSettings
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
TIMESTAMP_INPUT = re.compile(r'name="timestamp" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings, fake_google):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_MAX_AGE = 60
    # The single-row settings exist on any site that has served a page.
    SiteSettings.load()
    DiscussionSettings.load()


@pytest.fixture
def article():
    return ArticleFactory(title="The suburban realignment", tags=[TagFactory(name="Suburbs")])


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response


def fetched_twice(url):
    """A first reader fills the cache, a second one (new browser) is served from it."""
    first = get(Client(), url)
    second = get(Client(), url)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    return first, second


# What is cached, and how it is labelled


def test_article_page_is_served_from_the_cache_without_queries(article, django_assert_num_queries):
    get(Client(), article.get_absolute_url())
    with django_assert_num_queries(0):
        response = get(Client(), article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert "The suburban realignment" in response.content.decode()


@pytest.mark.parametrize("name", ["home", "tag", "feed", "archive"])
def test_list_pages_are_public_for_a_short_time(article, name):
    url = {
        "home": "/",
        "tag": article.tags.get().get_absolute_url(),
        "feed": "/feed/",
        "archive": f"/{timezone.localtime(article.pub_date).year}/",
    }[name]
    first, second = fetched_twice(url)
    for response in (first, second):
        control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert control == {"public", "max-age=60", "s-maxage=60"}
        assert "Cookie" in response["Vary"]
        assert "Set-Cookie" not in response.headers
    assert first.content == second.content


def test_page_with_the_comment_form_is_private_to_browsers_and_cdns(article):
    first, second = fetched_twice(article.get_absolute_url())
    for response in (first, second):
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


def test_admin_and_posting_are_never_cached(article, admin_client):
    response = admin_client.get("/admin/")
    assert "X-Page-Cache" not in response.headers
    response = Client().post(f"/comments/post/{article.pk}/", comment_data(article))
    assert "X-Page-Cache" not in response.headers


def test_unknown_query_parameters_are_rendered_not_stored(article):
    url = article.get_absolute_url() + "?nonsense=1"
    assert "X-Page-Cache" not in get(Client(), url).headers
    assert "X-Page-Cache" not in get(Client(), url).headers


def test_tracking_parameters_share_the_plain_page(article):
    get(Client(), "/")
    assert get(Client(), "/?utm_source=twitter&fbclid=abc")["X-Page-Cache"] == "hit"


def test_missing_pages_are_not_cached(article):
    assert Client().get("/2001/01/nothing-here/").status_code == 404
    response = Client().get("/2001/01/nothing-here/")
    assert response.status_code == 404
    assert response.get("X-Page-Cache") != "hit"


def test_setting_turns_the_page_cache_off(article, settings):
    settings.PAGE_CACHE_ENABLED = False
    for _ in range(2):
        response = get(Client(), article.get_absolute_url())
        assert "X-Page-Cache" not in response.headers


# Nothing personal crosses readers


def csrf_secret(client):
    return client.cookies[settings_csrf_cookie_name()].value


def settings_csrf_cookie_name():
    from django.conf import settings

    return settings.CSRF_COOKIE_NAME


def test_each_reader_gets_their_own_csrf_token_from_a_cached_page(article):
    first_reader, second_reader = Client(), Client()
    first = get(first_reader, article.get_absolute_url())
    second = get(second_reader, article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    first_token = CSRF_INPUT.search(first.content.decode())[1]
    second_token = CSRF_INPUT.search(second.content.decode())[1]
    assert first_token != second_token
    # Each token belongs to the cookie set on that reader's own response.
    assert _does_token_match(first_token, csrf_secret(first_reader))
    assert _does_token_match(second_token, csrf_secret(second_reader))
    assert not _does_token_match(second_token, csrf_secret(first_reader))
    # Nothing of the first reader's secret is in the page the second one got.
    assert csrf_secret(first_reader) not in second.content.decode()
    assert "\x00" not in second.content.decode()


def test_a_reader_who_already_has_a_csrf_cookie_keeps_it(article):
    get(Client(), article.get_absolute_url())
    reader = Client()
    get(reader, "/admin/login/")  # any page that sets the CSRF cookie
    secret = csrf_secret(reader)
    response = get(reader, article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert _does_token_match(CSRF_INPUT.search(response.content.decode())[1], secret)


def test_the_form_of_a_cached_page_posts_with_csrf_checks_on(article, settings):
    get(Client(), article.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    page = get(reader, article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    data = comment_data(article, csrfmiddlewaretoken=CSRF_INPUT.search(page.content.decode())[1])
    response = reader.post(f"/comments/post/{article.pk}/", data)
    assert response.status_code == 302
    assert Comment.objects.filter(article=article, author_name="Jane Reader").exists()


def test_form_timestamp_is_signed_afresh_for_every_response(article):
    get(Client(), article.get_absolute_url())
    time.sleep(1.1)
    before = int(time.time())
    page = get(Client(), article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    article_id, issued = signing.loads(
        TIMESTAMP_INPUT.search(page.content.decode())[1], salt=TIMESTAMP_SALT
    )
    assert article_id == article.pk
    assert issued >= before


def test_pending_comment_is_shown_to_its_author_only(article):
    get(Client(), article.get_absolute_url())  # cached before the post
    author = Client()
    response = author.post(
        f"/comments/post/{article.pk}/", comment_data(article, comment="My held words.")
    )
    assert response.status_code == 302
    assert Comment.objects.get(body="My held words.").status == Comment.Status.PENDING
    own = get(author, article.get_absolute_url())
    assert own["X-Page-Cache"] == "bypass"
    assert "private" in own["Cache-Control"]
    assert "My held words." in own.content.decode()
    assert "awaiting moderation" in own.content.decode()
    for _ in range(2):
        other = get(Client(), article.get_absolute_url())
        assert "My held words." not in other.content.decode()
        assert "awaiting moderation" not in other.content.decode()


def test_saved_name_and_email_never_reach_another_reader(article):
    author = Client()
    author.post(
        f"/comments/post/{article.pk}/",
        comment_data(
            article,
            author="Priya Saved",
            email="priya.saved@example.org",
            cookie_consent="on",
        ),
    )
    assert cookies.AUTHOR_COOKIE in author.cookies
    mine = get(author, article.get_absolute_url())
    assert mine["X-Page-Cache"] == "bypass"
    assert "priya.saved@example.org" in mine.content.decode()
    for _ in range(2):
        other = get(Client(), article.get_absolute_url()).content.decode()
        assert "priya.saved@example.org" not in other
        assert "Priya Saved" not in other


def test_logged_in_staff_bypass_the_cache(article):
    get(Client(), "/")
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    response = get(staff, "/")
    assert response["X-Page-Cache"] == "bypass"
    assert "private" in response["Cache-Control"]


def test_staff_preview_of_a_draft_is_not_cached_for_readers():
    draft = ArticleFactory(title="Draft memo", status=Article.Status.DRAFT)
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "Draft memo" in get(staff, draft.get_absolute_url()).content.decode()
    assert Client().get(draft.get_absolute_url()).status_code == 404


# Invalidation: every change a reader could see


def visible_to_readers(url, text):
    return text in get(Client(), url).content.decode()


def cache_then(url, text, expected_before):
    """Fill the cache and check it holds the page as it was."""
    assert visible_to_readers(url, text) is expected_before
    assert get(Client(), url)["X-Page-Cache"] == "hit"


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
    """Code that updates articles in bulk calls invalidate_all(), as the importer does."""
    from pagecache.middleware import invalidate_all

    cache_then("/", "Bulk renamed", False)
    Article.objects.filter(pk=article.pk).update(title="Bulk renamed")
    assert not visible_to_readers("/", "Bulk renamed")  # update() sends no signal...
    invalidate_all()
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


def test_closing_comments_in_the_discussion_settings_removes_the_form(article):
    cache_then(article.get_absolute_url(), "Comments are closed", False)
    discussion = DiscussionSettings.load()
    discussion.close_after_days = 1
    discussion.save()
    Article.objects.filter(pk=article.pk).update(pub_date=timezone.now() - timedelta(days=3))
    from pagecache.middleware import invalidate_all

    invalidate_all()
    assert visible_to_readers(article.get_absolute_url(), "Comments are closed")


def test_scheduled_article_appears_at_its_time_despite_the_cache():
    ArticleFactory(title="Already out")
    ArticleFactory(
        title="Scheduled memo",
        status=Article.Status.PUBLISHED,  # saved as scheduled: its time is ahead
        pub_date=timezone.now() + timedelta(seconds=2),
    )
    cache_then("/", "Scheduled memo", False)
    time.sleep(2.2)
    assert visible_to_readers("/", "Scheduled memo")


def test_comments_closing_by_age_bound_the_page_lifetime():
    from pagecache.middleware import _lifetime, _remember_next_change

    discussion = DiscussionSettings.load()
    discussion.close_after_days = 2
    discussion.save()
    ArticleFactory(pub_date=timezone.now() - timedelta(days=2) + timedelta(seconds=30))
    now = timezone.now()
    _remember_next_change(4242, now)
    assert 0 < _lifetime(4242) <= 30


def test_generation_counters_survive_eviction_without_repeating(article):
    """A counter lost from the cache comes back larger, so old pages stay unreachable."""
    from pagecache.middleware import CONTENT, _generations

    before = _generations([CONTENT])[0][0]
    cache.delete(CONTENT)
    after = _generations([CONTENT])[0][0]
    assert after > before


def test_pages_rendered_for_the_cache_read_from_the_primary(article, monkeypatch):
    """A lagging replica must never be written into the shared cache."""
    from posts.views import ArticleDetailView
    from pagecache import routers

    pinned = []
    original = ArticleDetailView.get_object

    def get_object(self, *args, **kwargs):
        pinned.append(routers.is_pinned())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ArticleDetailView, "get_object", get_object)
    get(Client(), article.get_absolute_url())  # a miss, stored for everyone
    reader = Client()
    reader.cookies["some_preference"] = "1"
    get(reader, article.get_absolute_url())  # a bypass, for this reader only
    assert pinned == [True, False]


def test_a_change_made_while_a_page_renders_is_not_hidden_by_it(article, monkeypatch):
    """A page rendered while a moderator approves a comment is not served afterwards."""
    from posts.views import ArticleDetailView

    comment = CommentFactory(article=article, status=Comment.Status.PENDING, body="Mid-render.")
    original = ArticleDetailView.get_context_data

    def approve_meanwhile(self, **kwargs):
        context = original(self, **kwargs)  # the comments are read...
        Comment.objects.filter(pk=comment.pk).approve()  # ...then approved elsewhere
        return context

    monkeypatch.setattr(ArticleDetailView, "get_context_data", approve_meanwhile)
    first = get(Client(), article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    monkeypatch.setattr(ArticleDetailView, "get_context_data", original)
    assert visible_to_readers(article.get_absolute_url(), "Mid-render.")
