"""
The moderators' queue at millions of comments: counts that read no more rows
than they must (exact for pending, spam and trash; exact up to a limit, then
an estimate, for approved and all), a paginator that never counts every row,
an article filter that lists no articles, and (PostgreSQL) query plans that
read no table whole. Query budgets: test_query_budgets.py.
"""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import counting
from comments.admin import CommentAdmin
from comments.counting import QueuePaginator, about
from comments.models import Comment
from tests.comments.conftest import CHANGELIST, staff
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

on_postgresql = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(
    not on_postgresql, reason="PostgreSQL only: its row estimate (pg_class) and EXPLAIN"
)
sqlite_only = pytest.mark.skipif(
    on_postgresql, reason="SQLite only: counts are exact there whatever the number of rows"
)
AUTOCOMPLETE = CHANGELIST + "article-autocomplete/"
LIMIT = 5


def bulk(article, count, status, start=0):
    """count comments of status on article, the first the newest, one minute apart."""
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(
            article=article,
            author_name=f"Reader {n}",
            author_email=f"reader{n}@example.org",
            body=f"{status} comment {n}",
            status=status,
            submitted=now - timedelta(minutes=n),
        )
        for n in range(start, start + count)
    )


def status_links(html):
    """The status filter's choices as shown: {"Pending": "3", "Approved": "about 1.8 million"}."""
    return dict(re.findall(r">(Pending|Approved|Spam|Trash|All) \(([^)]*)\)<", html))


@pytest.fixture
def small_limit(monkeypatch):
    """Counts bounded at LIMIT rows, 2 comments a page: a large site in a few rows."""
    monkeypatch.setattr(counting, "COUNT_LIMIT", LIMIT)
    monkeypatch.setattr(CommentAdmin, "list_per_page", 2)
    monkeypatch.setattr(CommentAdmin, "list_max_show_all", 1)


@pytest.fixture
def filled(small_limit):
    """More approved comments than the limit; 7 pending, 6 spam, 2 trashed."""
    article = ArticleFactory(title="The exurban vote")
    bulk(article, 12, Comment.Status.APPROVED)
    bulk(article, 7, Comment.Status.PENDING, start=100)
    bulk(article, 6, Comment.Status.SPAM, start=200)
    bulk(article, 2, Comment.Status.TRASH, start=300)
    return article


def analyze_comments():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")


class TestStatusCounts:
    def test_pending_spam_and_trash_are_exact_however_many(self, moderator_client, filled):
        counts = status_links(moderator_client.get(CHANGELIST).content.decode())
        assert (counts["Pending"], counts["Spam"], counts["Trash"]) == ("7", "6", "2")

    def test_approved_and_all_are_exact_up_to_the_limit(self, moderator_client, small_limit):
        bulk(ArticleFactory(), LIMIT, Comment.Status.APPROVED)
        bulk(ArticleFactory(), 3, Comment.Status.PENDING, start=100)
        counts = status_links(moderator_client.get(CHANGELIST).content.decode())
        assert counts == {"Pending": "3", "Approved": "5", "Spam": "0", "Trash": "0", "All": "8"}

    @postgresql_only
    def test_above_the_limit_approved_and_all_are_estimated(self, moderator_client, filled):
        analyze_comments()
        counts = status_links(moderator_client.get(CHANGELIST).content.decode())
        assert counts["Pending"] == "7", "still exact"
        # The estimate is the planner's: 27 comments in all, 15 of them not approved.
        assert counts["Approved"] == "about 12"
        assert counts["All"] == "about 27"

    @postgresql_only
    def test_without_an_estimate_approved_is_more_than_the_limit(
        self, moderator_client, filled, monkeypatch
    ):
        monkeypatch.setattr(counting, "estimated_rows", lambda model, using: None)
        counts = status_links(moderator_client.get(CHANGELIST).content.decode())
        assert counts["Approved"] == "more than 5"
        assert counts["All"] == "more than 20", "the 15 others and more than 5"

    @sqlite_only
    def test_on_sqlite_every_count_is_exact(self, moderator_client, filled):
        counts = status_links(moderator_client.get(CHANGELIST).content.decode())
        assert counts == {"Pending": "7", "Approved": "12", "Spam": "6", "Trash": "2", "All": "27"}

    def test_large_counts_read_as_a_person_would_say_them(self):
        assert about(1_834_211) == "about 1.8 million"
        assert about(243_512) == "about 240,000"
        assert about(10_001) == "about 10,000"
        assert about(12) == "about 12"


class TestBoundedPagination:
    def test_the_limit_is_above_a_page_and_show_all(self):
        # Otherwise a bounded count could make the admin list every row at once.
        assert counting.COUNT_LIMIT > CommentAdmin.list_max_show_all >= CommentAdmin.list_per_page

    def test_paginator_reads_at_most_the_limit_and_one_more(self, filled):
        paginator = QueuePaginator(Comment.objects.all(), 2)
        with CaptureQueriesContext(connection) as queries:
            assert paginator.count == LIMIT
        [query] = queries.captured_queries
        assert re.search(r"\bLIMIT 6\b", query["sql"]), query["sql"]
        assert paginator.truncated
        assert paginator.num_pages == 3

    def test_paginator_of_a_short_list_counts_it(self, filled):
        paginator = QueuePaginator(Comment.objects.filter(status=Comment.Status.TRASH), 2)
        assert (paginator.count, paginator.truncated, paginator.num_pages) == (2, False, 1)

    @postgresql_only
    def test_no_page_of_the_queue_counts_approved_comments_unbounded(self, admin_client, filled):
        for status in ("pending", "approved", "all", "spam", "trash"):
            with CaptureQueriesContext(connection) as queries:
                assert admin_client.get(CHANGELIST, {"status": status}).status_code == 200
            counts = [
                query["sql"]
                for query in queries.captured_queries
                if query["sql"].startswith(("SELECT COUNT(*)", "(SELECT"))
            ]
            assert len(counts) == 3, "the small statuses, approved and the paginator's"
            for sql in counts:
                # Either bounded, or one of the small statuses (its partial index).
                exact = re.findall(r"\"status\" = '(\w+)'", sql)
                assert "LIMIT" in sql or (exact and set(exact) <= {"pending", "spam", "trash"}), sql

    def test_a_long_list_says_more_than_and_pages_up_to_the_limit(self, admin_client, filled):
        html = admin_client.get(CHANGELIST, {"status": "approved"}).content.decode()
        assert "more than 5 comments" in html
        assert "Select all comments in this list (more than 5)" in html
        pages = html.split('class="paginator"')[1].split("</p>")[0]
        assert re.findall(r"p=(\d+)", pages) == ["2", "3"], "up to the 5th comment"
        last = admin_client.get(CHANGELIST, {"status": "approved", "p": 3}).content.decode()
        assert last.count('name="_selected_action"') == 1
        assert "approved comment 4<" in last, "the fifth newest"
        past = admin_client.get(CHANGELIST, {"status": "approved", "p": 4})
        assert past.status_code == 302 and f"{ERROR_FLAG}=1" in past["Location"]

    def test_a_short_list_shows_its_exact_count(self, admin_client, filled):
        html = admin_client.get(CHANGELIST, {"status": "trash"}).content.decode()
        assert re.search(r"\b2 comments\b", html)
        assert "more than" not in html.split('class="paginator"')[1]


class TestArticleFilter:
    def test_lists_no_articles_only_a_way_to_find_one(self, moderator_client):
        quiet = [ArticleFactory(title=f"Quiet article {n}") for n in range(20)]
        for article in quiet:
            CommentFactory(article=article)
        CommentFactory(article=ArticleFactory(title="Busy article"), status="pending")
        html = moderator_client.get(CHANGELIST).content.decode()
        assert "Quiet article" not in html
        assert ">All articles<" in html
        assert 'class="article-filter-form"' in html
        assert f'data-ajax--url="{AUTOCOMPLETE}"' in html

    def test_shows_the_selected_article_with_a_link_to_clear_it(self, moderator_client):
        first, second = ArticleFactory(title="First article"), ArticleFactory()
        CommentFactory(article=first, body="On first", status="pending")
        CommentFactory(article=second, body="On second", status="pending")
        html = moderator_client.get(
            CHANGELIST, {"status": "pending", "article__id__exact": first.pk}
        ).content.decode()
        assert "On first" in html and "On second" not in html
        panel = html.split('data-filter-title="article"')[1].split("</details>")[0]
        assert re.search(r'class="selected">\s*<a href="[^"]*">First article</a>', panel)
        assert '<a href="?status=pending">All articles</a>' in panel
        assert f'<option value="{first.pk}" selected>First article</option>' in panel

    def test_keeps_the_other_filters_and_the_search_when_choosing(self, moderator_client):
        html = moderator_client.get(CHANGELIST, {"status": "spam", "q": "cheap"}).content.decode()
        form = html.split('class="article-filter-form"')[1].split("</form>")[0]
        assert '<input type="hidden" name="status" value="spam">' in form
        assert '<input type="hidden" name="q" value="cheap">' in form
        assert 'name="article__id__exact"' in form

    def test_its_script_is_a_static_file(self, moderator_client):
        html = moderator_client.get(CHANGELIST).content.decode()
        assert "comments/admin/article_filter.js" in html
        assert "admin/js/autocomplete.js" in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script (CSP)"

    def test_article_title_in_a_row_filters_the_queue_keeping_the_status(self, moderator_client):
        comment = CommentFactory(article=ArticleFactory(title="The exurban vote"))
        html = moderator_client.get(CHANGELIST, {"status": "all", "p": 1}).content.decode()
        row = html.split(f'value="{comment.pk}"')[1].split("</tr>")[0]
        link = f'href="?status=all&amp;article__id__exact={comment.article_id}"'
        assert re.search(re.escape(link) + r"[^>]*>The exurban vote</a>", row)
        assert f'href="{comment.get_absolute_url()}"' in row, "and the comment on the site"

    def test_clearing_the_box_shows_every_article(self, moderator_client):
        CommentFactory(body="On one", status="pending")
        CommentFactory(body="On another", status="pending")
        response = moderator_client.get(CHANGELIST, {"status": "pending", "article__id__exact": ""})
        html = response.content.decode()
        assert "On one" in html and "On another" in html

    def test_an_article_id_that_is_not_a_number_is_refused(self, moderator_client):
        response = moderator_client.get(CHANGELIST, {"article__id__exact": "abc"})
        assert response.status_code == 302 and f"{ERROR_FLAG}=1" in response["Location"]


class TestArticleAutocomplete:
    def search(self, client, **params):
        response = client.get(AUTOCOMPLETE, params)
        assert response.status_code == 200
        return json.loads(response.content)

    def test_finds_articles_with_comments_by_title(self, moderator_client):
        senate = ArticleFactory(title="The Senate map")
        house = ArticleFactory(title="The House map")
        ArticleFactory(title="Senate races, no comments yet")
        for article in (senate, house):
            CommentFactory(article=article, status="pending")
        found = self.search(moderator_client, term="senate")
        assert found == {
            "results": [{"id": str(senate.pk), "text": "The Senate map"}],
            "pagination": {"more": False},
        }
        titles = [result["text"] for result in self.search(moderator_client, term="")["results"]]
        assert sorted(titles) == ["The House map", "The Senate map"]

    def test_pages_twenty_at_a_time_newest_first(self, moderator_client):
        now = timezone.now()
        for n in range(25):
            article = ArticleFactory(title=f"Poll {n}", pub_date=now - timedelta(days=n))
            CommentFactory(article=article)
        first = self.search(moderator_client, term="poll")
        assert len(first["results"]) == 20 and first["pagination"]["more"]
        assert first["results"][0]["text"] == "Poll 0"
        second = self.search(moderator_client, term="poll", page=2)
        assert [r["text"] for r in second["results"]] == [f"Poll {n}" for n in range(20, 25)]
        assert not second["pagination"]["more"]

    def test_needs_access_to_the_queue(self, client):
        assert "/admin/login/" in client.get(AUTOCOMPLETE, {"term": "a"})["Location"]
        client.force_login(staff("editor", perms=["view_article", "change_article"]))
        assert client.get(AUTOCOMPLETE, {"term": "a"}).status_code == 403


@postgresql_only
def test_queue_and_pending_count_read_no_table_whole(
    admin_client, moderator_client, settings, monkeypatch
):
    """EXPLAIN (seq scans off) of every query of the queue, the admin index and a comment."""
    from tests.query_plans import build_publication, captured_queries, unindexed_queries

    settings.PAGE_CACHE_ENABLED = False
    # The scale's proportions: the limit is a small share of the approved comments.
    monkeypatch.setattr(counting, "COUNT_LIMIT", 2_000)
    publication = build_publication(articles=2_000, comments=30_000)
    comment = Comment.objects.filter(status="pending").order_by("-submitted").first()
    busy = publication["busy"].pk
    pages = [
        "/admin/",
        CHANGELIST,
        CHANGELIST + "?status=approved",
        CHANGELIST + "?status=all",
        CHANGELIST + "?status=spam",
        CHANGELIST + "?status=trash",
        CHANGELIST + "?status=approved&p=20",
        CHANGELIST + f"?article__id__exact={busy}",
        CHANGELIST + f"?status=all&article__id__exact={busy}",
        CHANGELIST + f"{comment.pk}/change/",
    ]
    for client in (admin_client, moderator_client):
        for url in pages:
            with captured_queries() as queries:
                assert client.get(url).status_code == 200, url
            assert any("comments_comment" in q["sql"] for q in queries.captured_queries), url
            assert unindexed_queries(queries) == [], url
