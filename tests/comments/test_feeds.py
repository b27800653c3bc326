"""The comment feeds: the whole site's and each article's, approved comments only."""

import re
import xml.etree.ElementTree as ET

import pytest

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


class TestFeeds:
    def test_site_comment_feed_lists_approved_only(self, client, seeded):
        CommentFactory(article=seeded, status=Comment.Status.SPAM, body="Buy pills")
        CommentFactory(article=ArticleFactory(status="draft"), body="On a draft")
        response = client.get("/feed/comments/")
        assert response.status_code == 200
        root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
        items = root.findall("./channel/item")
        assert len(items) == 2
        text = response.content.decode()
        assert "Buy pills" not in text
        assert "On a draft" not in text
        assert "Canary" in text
        link = items[-1].find("link").text
        assert re.search(r"/#comment-\d+$", link)

    def test_article_comment_feed(self, client, seeded):
        other = ArticleFactory()
        CommentFactory(article=other, body="Elsewhere")
        response = client.get(f"{seeded.get_absolute_url()}feed/")
        assert response.status_code == 200
        root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
        assert "Where the votes are" in root.find("./channel/title").text
        assert len(root.findall("./channel/item")) == 2
        assert "Elsewhere" not in response.content.decode()

    def test_article_feed_404_for_drafts_and_unknown(self, client):
        draft = ArticleFactory(status="draft")
        assert client.get(f"{draft.get_absolute_url()}feed/").status_code == 404
        assert client.get("/2020/13/nothing/feed/").status_code == 404
