"""
Query budgets of the comments: the article page costs the same number of SQL
queries whatever the number of comments, and so do the comment counts on the
home page and the moderators' queue (tests/query_budget.py measures them).

The page cache is off here so that the views themselves are measured.
"""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client

from comments import cookies, counting
from comments.models import Comment, DiscussionSettings
from posts.models import SiteSettings
from tests.comments.conftest import CHANGELIST, held
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    TagFactory,
    UserFactory,
    add_comments,
)
from tests.posts.test_query_budgets import ARTICLE_PAGE_BUDGET, LIST_PAGE_QUERIES, add_article
from tests.query_budget import assert_budget, exact_queries

pytestmark = pytest.mark.django_db

# The comments' own screens. Both measured when pinned; the tests had only
# asserted that the count does not grow. Each is: the session, the user (and
# the group's permissions), the status filter's exact counts (one UNION), the
# approved count (bounded), the paginator's bounded count, the page of
# comments and their hold reasons. On PostgreSQL with more approved comments
# than comments.counting.COUNT_LIMIT, one more: the table's row estimate.
# Every admin page also reads the masthead once: its header is the publication's name.
MODERATION_QUEUE_BUDGET = 8  # pending comments, for a superuser
ALL_COMMENTS_BUDGET = 10  # ?status=all, for a member of the Moderators group


@pytest.fixture(autouse=True)
def _measure_the_views(settings):
    settings.PAGE_CACHE_ENABLED = False
    SiteSettings.load()
    DiscussionSettings.load()


def add_threaded_comments(article, count):
    """count approved comments: each top comment answered by a chain three replies deep."""
    parents = []
    for index in range(count):
        parent = parents[-1] if index % 4 else None
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            author_name=f"Reader {index}",
            author_email=f"reader{index}@example.org",
            body=f"Comment number {index} with https://example.com/{index}",
            status=Comment.Status.APPROVED,
        )
        parents.append(comment)
    return parents


@pytest.fixture
def ten_comments():
    article = ArticleFactory(title="Ten comments")
    add_threaded_comments(article, 10)
    return article


@pytest.fixture
def three_hundred_comments():
    article = ArticleFactory(title="Three hundred comments")
    add_threaded_comments(article, 300)
    return article


# The article page


def test_same_queries_for_10_and_300_threaded_comments(
    client, ten_comments, three_hundred_comments
):
    assert_budget(client, ten_comments.get_absolute_url(), ARTICLE_PAGE_BUDGET)
    [html] = assert_budget(client, three_hundred_comments.get_absolute_url(), ARTICLE_PAGE_BUDGET)
    assert html.count('class="comment depth-') == 300
    assert 'class="comment depth-4' in html, "replies are nested four levels"
    assert ">300 Comments<" in html, "the heading counts them"


def test_own_pending_comments_cost_no_extra_query(
    client, three_hundred_comments, django_assert_num_queries
):
    url = three_hundred_comments.get_absolute_url()
    assert_budget(client, url, ARTICLE_PAGE_BUDGET)
    held_comment = Comment.objects.create(
        article=three_hundred_comments,
        author_name="Me",
        author_email="me@example.org",
        body="Mine, held",
        status=Comment.Status.PENDING,
    )
    response = client.get("/")
    response.cookies.clear()
    carrier = HttpResponse()
    cookies.remember_own_comment(response.wsgi_request, carrier, held_comment.pk)
    client.cookies[cookies.PENDING_COOKIE] = carrier.cookies[cookies.PENDING_COOKIE].value
    [html] = assert_budget(client, url, ARTICLE_PAGE_BUDGET)
    assert "Mine, held" not in html, "the page is the same for everyone"
    # The personal request: the article, the Discussion settings and the comments.
    with django_assert_num_queries(3):
        response = client.get(f"/comments/personal/{three_hundred_comments.pk}/")
    (mine,) = response.json()["comments"]
    assert "Mine, held" in mine["html"], "the author sees their held comment"
    assert "Your comment is awaiting moderation." in mine["html"], "with the notice"


# Pages of comments (Discussion settings › Break comments into pages)


@pytest.fixture
def paged():
    discussion = DiscussionSettings.load()
    discussion.page_comments = True
    discussion.comments_per_page = 2
    discussion.default_comments_page = DiscussionSettings.DefaultPage.FIRST
    discussion.save()


def test_a_page_of_comments_costs_the_article_pages_queries_for_10_or_300(
    client, paged, ten_comments, three_hundred_comments
):
    """Two threads of four comments a page (ten comments: 4 + 4 on page 1, 2 on page 2)."""
    for article, shown in ((ten_comments, 2), (three_hundred_comments, 8)):
        url = f"{article.get_absolute_url()}comment-page-2/"
        [html] = assert_budget(client, url, ARTICLE_PAGE_BUDGET)
        assert html.count('class="comment depth-') == shown
    [html] = assert_budget(client, three_hundred_comments.get_absolute_url(), ARTICLE_PAGE_BUDGET)
    assert html.count('class="comment depth-') == 8
    assert ">300 Comments<" in html, "the heading counts every page's comments"


def test_comment_permalink_costs_three_queries_however_many_comments(
    client, paged, ten_comments, three_hundred_comments
):
    """The comment with its article, the Discussion settings, the article's comments."""
    for article in (ten_comments, three_hundred_comments):
        last = Comment.objects.filter(article=article).latest("id")
        with exact_queries(3):
            response = client.get(f"/comment/{last.pk}/")
        assert response.status_code == 302
        assert response["Location"].endswith(f"#comment-{last.pk}")


# Comment counts on the home page


def test_home_page_shows_comment_counts_without_extra_queries():
    tag = TagFactory()
    first = add_article([tag], [], [], comments=0)
    _, with_counts = assert_budget(
        Client(), "/", LIST_PAGE_QUERIES["home"], lambda: add_comments(first, 7)
    )
    assert "7 Comments" in with_counts or "7 comments" in with_counts


def test_count_queries_do_not_grow_with_articles(client):
    CommentFactory(article=ArticleFactory())
    client.get("/")  # creates the site settings row

    def add_8_articles_with_2_comments_each():
        for _ in range(8):
            CommentFactory.create_batch(2, article=ArticleFactory())

    assert_budget(client, "/", LIST_PAGE_QUERIES["home"], add_8_articles_with_2_comments_each)


# The moderators' queue


def test_moderation_queue_same_queries_for_10_and_500_rows():
    moderator = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(moderator)
    articles = ArticleFactory.create_batch(3)
    parents = add_comments(articles[0], 5)

    def hold(count, offset):
        for index in range(count):
            comment = CommentFactory(
                article=articles[index % 3],
                parent=parents[index % 5] if index % 2 else None,
                status=Comment.Status.PENDING,
                author_email=f"queue{offset + index}@example.net",
            )
            comment.hold_reasons.create(code="too_many_links", detail="3 links")

    hold(10, 0)
    client.get(CHANGELIST)  # warm the session and permissions caches
    ten, five_hundred = assert_budget(
        client, CHANGELIST, MODERATION_QUEUE_BUDGET, lambda: hold(490, 10)
    )
    assert ten.count('name="_selected_action"') == 10
    assert "500" in five_hundred


def test_changelist_of_all_statuses_same_queries_for_10_and_500_rows(moderator_client):
    article = ArticleFactory()
    for _ in range(10):
        parent = CommentFactory(article=article)
        held(article, parent=parent)

    def add_480_pending():
        Comment.objects.bulk_create(
            [
                Comment(
                    article=article,
                    author_name=f"R{i}",
                    author_email=f"r{i}@example.org",
                    body=f"Bulk {i}",
                    status=Comment.Status.PENDING,
                )
                for i in range(480)
            ]
        )
        assert Comment.objects.count() == 500

    assert_budget(
        moderator_client, CHANGELIST + "?status=all", ALL_COMMENTS_BUDGET, add_480_pending
    )


def test_changelist_above_the_count_limit_same_queries_for_20_and_500_rows(
    moderator_client, monkeypatch
):
    """Above comments.counting.COUNT_LIMIT, PostgreSQL adds its row estimate: one query."""
    monkeypatch.setattr(counting, "COUNT_LIMIT", 10)
    article = ArticleFactory()

    def add_approved(count):
        Comment.objects.bulk_create(
            Comment(article=article, author_name=f"R{i}", body=f"Bulk {i}", status="approved")
            for i in range(count)
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE comments_comment")  # the estimate's statistics

    add_approved(20)
    estimate = 1 if connection.vendor == "postgresql" else 0
    [html, _] = assert_budget(
        moderator_client,
        CHANGELIST + "?status=all",
        ALL_COMMENTS_BUDGET + estimate,
        lambda: add_approved(480),
    )
    assert "more than 10 comments" in html


# The admin index: the number of comments awaiting moderation, from its partial index.
ADMIN_INDEX_BUDGET = 7  # for a member of the Moderators group (with the masthead)


def test_admin_index_same_queries_for_2_and_500_pending(moderator_client):
    article = ArticleFactory()
    held(article)
    held(article)

    def add_498_pending():
        Comment.objects.bulk_create(
            Comment(article=article, author_name=f"R{i}", body=f"Held {i}", status="pending")
            for i in range(498)
        )

    _, html = assert_budget(moderator_client, "/admin/", ADMIN_INDEX_BUDGET, add_498_pending)
    assert "<strong>500</strong> comments awaiting moderation" in html
