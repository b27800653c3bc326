"""Approved comments counted on the public pages (their query budget: test_query_budgets.py)."""

import re

import pytest
from django.test import Client

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


class TestCommentCounts:
    def test_home_page_shows_approved_count_linking_to_comments(self, client):
        article = ArticleFactory()
        CommentFactory.create_batch(3, article=article)
        CommentFactory(article=article, status=Comment.Status.PENDING)
        CommentFactory(article=article, status=Comment.Status.SPAM)
        html = Client().get("/").content.decode()
        assert f'href="{article.get_absolute_url()}#comments"' in html
        assert re.search(r">3 comments</a>", html, re.IGNORECASE)

    def test_article_page_heading_counts_approved(self, client):
        article = ArticleFactory()
        CommentFactory(article=article)
        CommentFactory(article=article, status=Comment.Status.TRASH)
        html = client.get(article.get_absolute_url()).content.decode()
        assert ">1 Comment<" in html
