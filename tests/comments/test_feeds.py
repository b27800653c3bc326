"""Commenters' emails never reach public output; comment feeds; comment counts."""

import hashlib
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

CANARY = "Canary.Commenter+secret@private-mail.example"


def forms_of_the_email(email):
    lowered = email.lower()
    yield email
    yield lowered
    yield lowered.split("@")[0]
    for algorithm in ("md5", "sha1", "sha256"):
        yield hashlib.new(algorithm, lowered.encode()).hexdigest()
        yield hashlib.new(algorithm, email.strip().encode()).hexdigest()


@pytest.fixture
def seeded(fake_google):
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    article = ArticleFactory(title="Where the votes are")
    top = CommentFactory(
        article=article,
        author_email=CANARY,
        author_name="Canary",
        author_url="https://canary.example",
    )
    CommentFactory(article=article, parent=top, author_email=CANARY.lower())
    CommentFactory(article=article, status=Comment.Status.PENDING, author_email=CANARY)
    return article


def public_pages(article):
    local = timezone.localtime(article.pub_date)  # the archive is in the site's time zone
    return [
        "/",
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?replytocom={article.comments.first().pk}",
        "/feed/comments/",
        f"{article.get_absolute_url()}feed/",
        f"/{local:%Y}/",
    ]


def test_email_absent_from_every_public_page_and_feed(client, seeded):
    for url in public_pages(seeded):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for form in forms_of_the_email(CANARY):
            assert form not in body, (url, form)
        assert "private-mail.example" not in body


def test_email_absent_when_the_form_comes_back_with_errors(client, seeded):
    """The reader's own email is in their form, nobody else's."""
    response = client.post(f"/comments/post/{seeded.pk}/", comment_data(seeded, comment=""))
    assert response.status_code == 400
    assert "private-mail.example" not in response.content.decode()


def test_no_third_party_avatar(client, seeded):
    html = client.get(seeded.get_absolute_url()).content.decode()
    assert "gravatar" not in html.lower()
    assert '<span class="comment-avatar" aria-hidden="true">C</span>' in html


def test_javascript_website_from_imported_data_is_not_linked(client):
    article = ArticleFactory()
    CommentFactory(article=article, author_name="Imported", author_url="javascript:alert(1)")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "javascript:alert(1)" not in html


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

    def test_count_queries_do_not_grow_with_articles(self, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        CommentFactory(article=ArticleFactory())
        client.get("/")  # creates the site settings row
        with CaptureQueriesContext(connection) as few:
            client.get("/")
        for _ in range(8):
            CommentFactory.create_batch(2, article=ArticleFactory())
        with CaptureQueriesContext(connection) as many:
            client.get("/")
        assert len(many) == len(few)
