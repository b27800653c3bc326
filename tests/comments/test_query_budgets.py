"""The article page costs the same number of SQL queries whatever the number of comments."""

import pytest
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from comments import cookies
from comments.models import Comment
from comments.threads import build_thread
from tests.factories import ArticleFactory


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


@override_settings(PAGE_CACHE_ENABLED=False)  # the queries of rendering, not of a cache hit
class ArticlePageQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.small = ArticleFactory(title="Ten comments")
        cls.large = ArticleFactory(title="Three hundred comments")
        add_threaded_comments(cls.small, 10)
        cls.large_comments = add_threaded_comments(cls.large, 300)

    def count(self, article):
        self.client.get(article.get_absolute_url())  # warm: site and discussion rows exist
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        return len(queries), response.content.decode()

    def test_same_queries_for_10_and_300_threaded_comments(self):
        small, _ = self.count(self.small)
        with self.assertNumQueries(small):
            response = self.client.get(self.large.get_absolute_url())
        html = response.content.decode()
        self.assertEqual(html.count('class="comment depth-'), 300)
        self.assertTrue('class="comment depth-4' in html, "replies are nested four levels")
        self.assertTrue(">300 Comments<" in html, "the heading counts them")

    def test_own_pending_comments_cost_no_extra_query(self):
        baseline, _ = self.count(self.large)
        held = Comment.objects.create(
            article=self.large,
            author_name="Me",
            author_email="me@example.org",
            body="Mine, held",
            status=Comment.Status.PENDING,
        )
        response = self.client.get("/")
        response.cookies.clear()
        from django.http import HttpResponse

        carrier = HttpResponse()
        cookies.remember_own_comment(response.wsgi_request, carrier, held.pk)
        self.client.cookies[cookies.PENDING_COOKIE] = carrier.cookies[cookies.PENDING_COOKIE].value
        with self.assertNumQueries(baseline):
            html = self.client.get(self.large.get_absolute_url()).content.decode()
        self.assertTrue("Mine, held" in html, "the author sees their held comment")
        self.assertTrue("Your comment is awaiting moderation." in html, "with the notice")


@pytest.mark.parametrize("depth", [1, 3, 5])
def test_thread_markup_balances(depth):
    class Fake:
        def __init__(self, pk, parent_id):
            self.pk, self.parent_id = pk, parent_id

    comments = [Fake(1, None)] + [Fake(i, i - 1 if i % 3 else 1) for i in range(2, 40)]
    nodes = build_thread(comments, depth)
    opened = sum(1 for node in nodes if node.opens_children)
    closed = sum(len(node.closes) for node in nodes)
    assert opened == closed
    assert max(node.depth for node in nodes) == min(depth, max(n.depth for n in nodes))
    assert all(node.depth <= depth for node in nodes)
    assert [node.comment.pk for node in nodes][0] == 1
