"""
Query budgets: every public page and the moderation queue run a fixed number
of SQL queries however many articles, comments, tags and quotations they show.

The page cache is off here so that the views themselves are measured; a page
served from the cache runs none (see test_cache_pages).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from posts.models import SiteSettings
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    OutletFactory,
    QuotationFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The article, its authors, tags, quotations (with their outlets), approved
# comments, and the two single-row settings (masthead, discussion rules).
ARTICLE_PAGE_BUDGET = 7
LIST_PAGE_BUDGET = 8


@pytest.fixture(autouse=True)
def _measure_the_views(settings):
    settings.PAGE_CACHE_ENABLED = False
    SiteSettings.load()
    DiscussionSettings.load()


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def add_comments(article, count, *, status=Comment.Status.APPROVED, depth=3):
    """count comments, threaded: each top comment answered by a chain of depth-1 replies."""
    made = []
    for index in range(count):
        parent = made[-1] if index % depth and made else None
        made.append(
            CommentFactory(
                article=article,
                parent=parent,
                status=status,
                author_name=f"Reader {article.pk}-{index}",
            )
        )
    return made


def add_article(tags, authors, outlets, comments=2, title="Turnout memo"):
    article = ArticleFactory(title=title, tags=tags, authors=authors)
    for order, outlet in enumerate(outlets, start=1):
        QuotationFactory(article=article, outlet=outlet, order=order)
    add_comments(article, comments)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    return article


def test_article_page_same_queries_for_0_50_and_300_comments_and_any_tags_and_quotations():
    article = ArticleFactory(body="One.\n\n[quote 1]\n\nTwo.")
    client = Client()
    empty, _ = queries_for(client, article.get_absolute_url())
    assert empty <= ARTICLE_PAGE_BUDGET

    add_comments(article, 50)
    fifty, html = queries_for(client, article.get_absolute_url())
    assert html.count('id="comment-') == 50

    add_comments(article, 250)
    article.tags.add(*TagFactory.create_batch(12))
    article.authors.add(*AuthorFactory.create_batch(4))
    for order in range(1, 16):
        QuotationFactory(article=article, order=order, outlet=OutletFactory())
    CommentFactory.create_batch(5, article=article, status=Comment.Status.PENDING)
    three_hundred, html = queries_for(client, article.get_absolute_url())
    assert html.count('id="comment-') == 300
    assert html.count("<blockquote") >= 15

    assert empty == fifty == three_hundred


LIST_PAGES = {
    "home": "/",
    "tag": "/tag/budget-tag/",
    "author": "/author/budget-author/",
    "source": "/source/budget-outlet/",
    "year archive": "/{year}/",
    "month archive": "/{year}/{month:02d}/",
    "search": "/search/?q=turnout",
    "feed": "/feed/",
}


@pytest.mark.parametrize("page", LIST_PAGES)
def test_list_pages_same_queries_for_1_and_50_articles(page):
    tag = TagFactory(slug="budget-tag", name="Budget tag")
    author = AuthorFactory(slug="budget-author")
    outlet = OutletFactory(slug="budget-outlet")
    first = add_article([tag], [author], [outlet])
    local = timezone.localtime(first.pub_date)
    url = LIST_PAGES[page].format(year=local.year, month=local.month)
    client = Client()
    one, _ = queries_for(client, url)
    assert one <= LIST_PAGE_BUDGET

    extra_tags = TagFactory.create_batch(3)
    extra_authors = AuthorFactory.create_batch(2)
    extra_outlets = OutletFactory.create_batch(2)
    for number in range(49):
        add_article(
            [tag, *extra_tags],
            [author, *extra_authors],
            [outlet, *extra_outlets],
            comments=number % 7,
            title=f"Turnout memo {number}",
        )
    fifty, html = queries_for(client, url)
    assert "Turnout memo" in html
    assert one == fifty


def test_home_page_shows_comment_counts_without_extra_queries():
    tag = TagFactory()
    first = add_article([tag], [], [], comments=0)
    client = Client()
    baseline, _ = queries_for(client, "/")
    add_comments(first, 7)
    with_counts, html = queries_for(client, "/")
    assert with_counts == baseline
    assert "7 Comments" in html or "7 comments" in html


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
    client.get("/admin/comments/comment/")  # warm the session and permissions caches
    ten, html = queries_for(client, "/admin/comments/comment/")
    assert html.count('name="_selected_action"') == 10
    hold(490, 10)
    five_hundred, html = queries_for(client, "/admin/comments/comment/")
    assert "500" in html
    assert ten == five_hundred
