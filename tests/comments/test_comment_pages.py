"""
Comment pages (Discussion settings › Break comments into pages), WordPress's
/comment-page-N/ addresses, #comment-ID permalinks, Reply on any page, and the
page cache of each page.
"""

import re

import pytest
from django.test import Client

from comments.models import Comment, DiscussionSettings
from posts.models import SiteSettings
from tests.comment_helpers import comment_data, own_view
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

DefaultPage = DiscussionSettings.DefaultPage
PageOrder = DiscussionSettings.PageOrder


@pytest.fixture
def discussion():
    discussion = DiscussionSettings.load()
    discussion.page_comments = True
    discussion.comments_per_page = 2
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    return discussion


@pytest.fixture
def article(fake_google):
    """Five threads: top-level comments T1..T5 (oldest first), each with one reply R1..R5."""
    article = ArticleFactory(title="A long discussion")
    for number in range(1, 6):
        top = CommentFactory(article=article, author_name=f"Top{number}", body=f"T{number}")
        CommentFactory(article=article, parent=top, author_name=f"Reply{number}", body=f"R{number}")
    return article


def names(html) -> list[str]:
    """The comment authors in page order."""
    return re.findall(r'<b class="comment-author">(\w+)</b>', html)


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_off_by_default_every_comment_on_the_article_and_old_page_links_redirect(client, article):
    assert DiscussionSettings.load().page_comments is False
    html = page(client, article.get_absolute_url())
    assert len(names(html)) == 10
    assert 'class="comment-navigation"' not in html
    response = client.get(f"{article.get_absolute_url()}comment-page-3/")
    assert response.status_code == 301
    assert response["Location"] == f"{article.get_absolute_url()}#comments"


def test_pages_hold_whole_threads_numbered_from_the_oldest(client, article, discussion):
    url = article.get_absolute_url()
    assert names(page(client, f"{url}comment-page-1/")) == ["Top1", "Reply1", "Top2", "Reply2"]
    assert names(page(client, f"{url}comment-page-2/")) == ["Top3", "Reply3", "Top4", "Reply4"]
    # The last page is the default: the article shows it.
    assert names(page(client, url)) == ["Top5", "Reply5"]


def test_default_page_address_redirects_to_the_article_and_past_the_end_is_404(
    client, article, discussion
):
    url = article.get_absolute_url()
    last = client.get(f"{url}comment-page-3/")
    assert last.status_code == 302  # the last page moves on as comments arrive
    assert last["Location"] == f"{url}#comments"
    page(client, f"{url}comment-page-4/", status=404)
    page(client, f"{url}comment-page-0/", status=404)
    page(client, f"{url}comment-page-99999/", status=404)


def test_first_page_as_default(client, article, discussion):
    discussion.default_comments_page = DefaultPage.FIRST
    discussion.save()
    url = article.get_absolute_url()
    assert names(page(client, url)) == ["Top1", "Reply1", "Top2", "Reply2"]
    response = client.get(f"{url}comment-page-1/")
    assert response.status_code == 301  # as WordPress
    assert response["Location"] == f"{url}#comments"
    assert names(page(client, f"{url}comment-page-3/")) == ["Top5", "Reply5"]


def test_newer_threads_first_on_each_page(client, article, discussion):
    discussion.comment_order = PageOrder.NEWEST
    discussion.save()
    url = article.get_absolute_url()
    assert names(page(client, f"{url}comment-page-1/")) == ["Top2", "Reply2", "Top1", "Reply1"]


def test_canonical_prev_and_next_links(client, article, discussion):
    url = article.get_absolute_url()
    html = page(client, f"{url}comment-page-2/")
    assert f'<link rel="canonical" href="http://testserver{url}comment-page-2/">' in html
    assert f'<link rel="prev" href="http://testserver{url}comment-page-1/">' in html
    assert f'<link rel="next" href="http://testserver{url}">' in html  # page 3 is the article
    assert f'href="{url}comment-page-1/#comments" rel="prev">← Older Comments' in html
    assert f'href="{url}#comments" rel="next">Newer Comments →' in html
    assert '<span class="current" aria-current="page">2</span>' in html
    article_html = page(client, url)
    assert f'<link rel="canonical" href="http://testserver{url}">' in article_html
    assert f'<link rel="prev" href="http://testserver{url}comment-page-2/">' in article_html
    assert 'rel="next"' not in article_html.split("</head>")[0]


def test_heading_counts_every_approved_comment(client, article, discussion):
    assert ">10 Comments<" in page(client, article.get_absolute_url())


def test_permalink_lands_on_the_page_that_shows_the_comment(client, article, discussion):
    reply = Comment.objects.get(author_name="Reply3")
    response = client.get(f"/comment/{reply.pk}/")
    assert response.status_code == 302
    url = article.get_absolute_url()
    assert response["Location"] == f"{url}comment-page-2/#comment-{reply.pk}"
    top5 = Comment.objects.get(author_name="Top5")
    assert client.get(f"/comment/{top5.pk}/")["Location"] == f"{url}#comment-{top5.pk}"


def test_permalink_without_pages_goes_to_the_article(client, article):
    reply = Comment.objects.get(author_name="Reply1")
    response = client.get(f"/comment/{reply.pk}/")
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{reply.pk}"


def test_permalink_of_a_hidden_comment_is_404(client, article, discussion):
    held = CommentFactory(article=article, status=Comment.Status.PENDING)
    spam = CommentFactory(article=article, status=Comment.Status.SPAM)
    assert client.get(f"/comment/{held.pk}/").status_code == 404
    assert client.get(f"/comment/{spam.pk}/").status_code == 404
    assert client.get("/comment/999999/").status_code == 404


def test_reply_on_another_page_puts_the_form_under_that_comment(client, article, discussion):
    url = article.get_absolute_url()
    top3 = Comment.objects.get(author_name="Top3")
    html = page(client, f"{url}comment-page-2/")
    assert f'href="{url}comment-page-2/?replytocom={top3.pk}#respond"' in html
    html = page(client, f"{url}comment-page-2/?replytocom={top3.pk}")
    assert "Leave a Reply to Top3" in html
    assert html.index(f'id="comment-{top3.pk}"') < html.index('id="respond"')
    assert html.index('id="respond"') < html.index("Top4")
    assert f'name="parent" value="{top3.pk}"' in html
    assert f'href="{url}comment-page-2/#respond"' in html  # Cancel reply stays on the page


def test_posting_a_reply_on_a_page_lands_on_that_page(client, article, discussion):
    top3 = Comment.objects.get(author_name="Top3")
    response = client.post(
        f"/comments/post/{article.pk}/",
        comment_data(article, parent=str(top3.pk), comment="Late answer"),
        REMOTE_ADDR="192.0.2.60",
    )
    reply = Comment.objects.get(body="Late answer")
    assert reply.parent == top3 and reply.is_approved()
    assert response["Location"] == f"/comment/{reply.pk}/"
    landing = client.get(response["Location"])
    assert landing["Location"] == f"{article.get_absolute_url()}comment-page-2/#comment-{reply.pk}"
    assert "Late answer" in page(client, landing["Location"].split("#")[0])


def test_an_error_in_a_reply_comes_back_under_the_comment_on_its_page(client, article, discussion):
    top3 = Comment.objects.get(author_name="Top3")
    response = client.post(
        f"/comments/post/{article.pk}/",
        comment_data(article, parent=str(top3.pk), author="", comment="Words to keep"),
        REMOTE_ADDR="192.0.2.62",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Words to keep" in html
    assert "Please enter your name." in html
    assert "Leave a Reply to Top3" in html
    assert html.index(f'id="comment-{top3.pk}"') < html.index('id="respond"')
    assert names(html) == ["Top3", "Reply3", "Top4", "Reply4"]


def test_own_held_comment_is_found_by_its_permalink(client, article, discussion):
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.HOLD_ALL
    discussion.save()
    response = client.post(
        f"/comments/post/{article.pk}/",
        comment_data(article, comment="Held, mine"),
        REMOTE_ADDR="192.0.2.61",
    )
    held = Comment.objects.get(body="Held, mine")
    landing = client.get(response["Location"])
    assert landing.status_code == 302
    assert landing["Location"].endswith(f"#comment-{held.pk}")
    assert "Held, mine" not in page(client, landing["Location"].split("#")[0])  # shared
    assert "Held, mine" in own_view(client, article.pk)
    assert Client().get(f"/comment/{held.pk}/").status_code == 404  # not for anyone else


def test_unpublished_article_has_no_comment_pages(client, discussion):
    draft = ArticleFactory(status="draft")
    CommentFactory(article=draft)
    page(client, f"{draft.get_absolute_url()}comment-page-1/", status=404)


class TestPageCache:
    @pytest.fixture(autouse=True)
    def _cache_on(self, settings, article, discussion, django_capture_on_commit_callbacks):
        settings.PAGE_CACHE_ENABLED = True
        SiteSettings.load()
        # What making the article and the settings invalidates happens now (this
        # commit-time batch), not with the comment changes the tests make.
        with django_capture_on_commit_callbacks(execute=True):
            discussion.default_comments_page = DefaultPage.FIRST
            discussion.save()

    def test_each_page_is_cached_and_dropped_when_its_comments_change(
        self, article, discussion, django_capture_on_commit_callbacks
    ):
        url = f"{article.get_absolute_url()}comment-page-2/"
        assert Client().get(url)["X-Page-Cache"] == "miss"
        assert Client().get(url)["X-Page-Cache"] == "hit"
        top3 = Comment.objects.get(author_name="Top3")
        with django_capture_on_commit_callbacks(execute=True):
            CommentFactory(article=article, parent=top3, author_name="Newcomer")
        response = Client().get(url)
        assert response["X-Page-Cache"] == "miss"
        assert "Newcomer" in response.content.decode()

    def test_a_page_that_stops_existing_is_not_served_from_the_cache(
        self, article, django_capture_on_commit_callbacks
    ):
        url = f"{article.get_absolute_url()}comment-page-3/"
        assert Client().get(url)["X-Page-Cache"] == "miss"
        with django_capture_on_commit_callbacks(execute=True):
            Comment.objects.filter(author_name__in=["Top5", "Reply5"]).trash()
        assert Client().get(url).status_code == 404
