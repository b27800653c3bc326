"""
Query budgets of the public pages and the editors' article list: each runs an
exact number of SQL queries however many articles, authors, tags, quotations
and comments it shows (tests/query_budget.py measures them).

The page cache is off here so that the views themselves are measured; a page
served from the cache runs none (tests/pagecache/test_query_budgets.py).
"""

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from posts.models import SiteSettings
from posts.views import ARTICLES_PER_PAGE
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    OutletFactory,
    QuotationFactory,
    TagFactory,
    add_comments,
)
from tests.query_budget import assert_budget

pytestmark = pytest.mark.django_db

# Every HTML page reads the site menu (menus.context_processors.menu): one
# query, added to each page's count below (the feeds and the sitemap show no menu).
MENU_QUERIES = 1
# The article; its authors, tags and quotations with their outlets, in one query
# (posts.parts; three prefetches were 7 in all); approved comments; the two
# single-row settings (masthead, discussion rules); the menu.
ARTICLE_PAGE_BUDGET = 5 + MENU_QUERIES
# No list of articles runs more than LIST_PAGE_BUDGET queries; each runs exactly
# its own count (measured when these counts were pinned: the tests had held them
# only to the ceiling and to not growing). The home page's 4: the masthead, the
# bounded count (posts.pagination), the page's rows with their comment counts,
# their authors and tags in one query (posts.parts; two prefetches were 5).
LIST_PAGE_BUDGET = 8 + MENU_QUERIES
LIST_PAGE_QUERIES = {
    "home": 4 + MENU_QUERIES,
    "tag": 5 + MENU_QUERIES,
    "author": 5 + MENU_QUERIES,
    "source": 5 + MENU_QUERIES,
    # The months with their counts (one GROUP BY), the years before and after,
    # the masthead: the year lists its months, no longer its articles (was 7).
    "year archive": 4 + MENU_QUERIES,
    # The home page's four, and the months before and after (no exists() or
    # list of days any more).
    "month archive": 6 + MENU_QUERIES,
    # The home page's four and the pages matching (posts.views.PAGES_IN_SEARCH);
    # on PostgreSQL also the statement timeout set (SET LOCAL) and the ranked
    # ids (posts.search.newest_matches): 8 in production, and the 3 of
    # SEARCH_IN_TEST_TRANSACTION here.
    "search": (10 if connection.vendor == "postgresql" else 5) + MENU_QUERIES,
    # The site's name, description and author (three reads of the masthead),
    # the latest articles, their authors, tags and quotations in one query
    # (posts.parts; three prefetches were 7).
    "feed": 5,
}
# Inside the test's transaction, the search's time limit (posts.search.time_limit)
# is a savepoint, released, and the timeout set back: queries production does not run.
SEARCH_IN_TEST_TRANSACTION = 3 if connection.vendor == "postgresql" else 0
# The sitemap index (was 8 for the one-file sitemap): the first and latest
# publication times (its months), and the numbers of tags, authors and sources.
SITEMAP_BUDGET = 4
# A section: a month's articles, or the tags: its length (for ?p=N pages), its rows.
SITEMAP_SECTION_BUDGET = 2
# The editors' article list. Measured when pinned; the test had only asserted
# that the count does not grow.
# 14 since the admin's header is the publication's name (the masthead, one
# query); "last edited by" is a subquery of the rows' own query (no N+1).
# 13 since the trash (posts/trash_admin.py): no "(M total)" count of every row.
ARTICLE_CHANGELIST = "/admin/posts/article/"
ARTICLE_CHANGELIST_BUDGET = 13


@pytest.fixture(autouse=True)
def _measure_the_views(settings):
    settings.PAGE_CACHE_ENABLED = False
    SiteSettings.load()
    DiscussionSettings.load()


def add_article(tags, authors, outlets, comments=2, title="Turnout memo"):
    article = ArticleFactory(title=title, tags=tags, authors=authors)
    for order, outlet in enumerate(outlets, start=1):
        QuotationFactory(article=article, outlet=outlet, order=order)
    add_comments(article, comments)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    return article


def add_articles(count, tags, authors, outlets):
    for _ in range(count):
        article = ArticleFactory(tags=tags, authors=authors)
        for order, outlet in enumerate(outlets, start=1):
            QuotationFactory(article=article, outlet=outlet, order=order)


# The article page


def test_article_page_same_queries_for_0_50_and_300_comments_and_any_tags_and_quotations():
    article = ArticleFactory(body="One.\n\n[quote 1]\n\nTwo.")

    def add_250_comments_and_tags_authors_and_quotations():
        add_comments(article, 250)
        article.tags.add(*TagFactory.create_batch(12))
        article.authors.add(*AuthorFactory.create_batch(4))
        for order in range(1, 16):
            QuotationFactory(article=article, order=order, outlet=OutletFactory())
        CommentFactory.create_batch(5, article=article, status=Comment.Status.PENDING)

    _, fifty, three_hundred = assert_budget(
        Client(),
        article.get_absolute_url(),
        ARTICLE_PAGE_BUDGET,
        lambda: add_comments(article, 50),
        add_250_comments_and_tags_authors_and_quotations,
    )
    assert fifty.count('id="comment-') == 50
    assert three_hundred.count('id="comment-') == 300
    assert three_hundred.count("<blockquote") >= 15


def test_article_page_same_queries_for_1_and_11_quotations(client):
    article = ArticleFactory(body="One.\n\n[quote 1]\n\nTwo.")
    article.tags.add(TagFactory())
    article.authors.add(AuthorFactory())
    QuotationFactory(article=article, order=1)

    def add_tags_authors_and_quotations():
        article.tags.add(*TagFactory.create_batch(8))
        article.authors.add(*AuthorFactory.create_batch(3))
        for order in range(2, 12):
            QuotationFactory(article=article, order=order, outlet=OutletFactory())

    _, eleven = assert_budget(
        client, article.get_absolute_url(), ARTICLE_PAGE_BUDGET, add_tags_authors_and_quotations
    )
    assert eleven.count("<blockquote") == 11


# Lists of articles, feeds and the sitemap

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

    def add_49_articles():
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

    in_production = LIST_PAGE_QUERIES[page]
    if page == "search":
        in_production -= SEARCH_IN_TEST_TRANSACTION
    assert in_production <= LIST_PAGE_BUDGET
    _, fifty = assert_budget(Client(), url, LIST_PAGE_QUERIES[page], add_49_articles)
    if page == "year archive":  # The year lists its months, not its articles.
        assert f'{local:%B %Y}</a> <span class="archive-count">50 articles' in fifty
    else:
        assert "Turnout memo" in fifty


@pytest.mark.parametrize(
    ("page", "url"),
    [
        ("home", "/"),
        ("tag", "/tag/t/"),
        ("author", "/author/a/"),
        ("source", "/source/o/"),
        ("feed", "/feed/"),
    ],
)
def test_list_pages_same_queries_for_1_article_and_a_page_and_a_half(client, page, url):
    tag, author, outlet = TagFactory(slug="t"), AuthorFactory(slug="a"), OutletFactory(slug="o")
    add_articles(1, [tag], [author], [outlet])
    assert_budget(
        client,
        url,
        LIST_PAGE_QUERIES[page],
        lambda: add_articles(
            ARTICLES_PER_PAGE + 5,
            [tag, *TagFactory.create_batch(3)],
            [author, *AuthorFactory.create_batch(2)],
            [outlet, *OutletFactory.create_batch(2)],
        ),
    )


def test_search_same_queries_for_1_and_16_articles(client):
    ArticleFactory(title="Turnout one", tags=[TagFactory()])

    def add_15_articles():
        for n in range(15):
            ArticleFactory(title=f"Turnout {n}", tags=TagFactory.create_batch(2))

    assert_budget(client, "/search/?q=turnout", LIST_PAGE_QUERIES["search"], add_15_articles)


def test_sitemap_same_queries_for_1_and_21_articles(client):
    add_articles(1, [TagFactory()], [AuthorFactory()], [OutletFactory()])
    assert_budget(
        client,
        "/sitemap.xml",
        SITEMAP_BUDGET,
        lambda: add_articles(20, TagFactory.create_batch(3), AuthorFactory.create_batch(2), []),
    )


@pytest.mark.parametrize("section", ["month", "tags"])
def test_sitemap_section_same_queries_for_1_and_21_articles(client, section):
    first = ArticleFactory(tags=[TagFactory()])
    url = {
        "month": f"/sitemap-articles-{timezone.localtime(first.pub_date):%Y-%m}.xml",
        "tags": "/sitemap-tags.xml",
    }[section]

    def add_20_articles():
        for _ in range(20):
            ArticleFactory(pub_date=first.pub_date, tags=TagFactory.create_batch(2))

    _, more = assert_budget(client, url, SITEMAP_SECTION_BUDGET, add_20_articles)
    assert more.count("<url>") == (21 if section == "month" else 41)


# The editors' admin


def test_article_changelist_same_queries_for_5_and_30_rows(editor_client):
    def add(count):
        for _ in range(count):
            ArticleFactory(tags=TagFactory.create_batch(2), authors=AuthorFactory.create_batch(2))

    add(5)
    editor_client.get(ARTICLE_CHANGELIST)  # warm the session and permissions caches
    _, thirty = assert_budget(
        editor_client, ARTICLE_CHANGELIST, ARTICLE_CHANGELIST_BUDGET, lambda: add(25)
    )
    assert thirty.count('name="_selected_action"') == 30
