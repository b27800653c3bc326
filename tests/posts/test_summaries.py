"""An article's summary in lists, built in Python (posts.summaries.render_summaries)."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from posts.models import Article
from posts.summaries import render_summaries
from tests.factories import ArticleFactory, AuthorFactory, TagFactory, add_comments

pytestmark = pytest.mark.django_db


def listed(*articles):
    rows = (
        Article.objects.filter(pk__in=[a.pk for a in articles])
        .for_listing()
        .with_comment_counts()
        .order_by("pk")
    )
    return str(render_summaries(rows))


def test_a_summary_shows_title_date_authors_comments_dek_and_tags():
    article = ArticleFactory(
        title="Where the votes are",
        dek="The suburbs decide.",
        pub_date=datetime(2027, 1, 1, 3, 30, tzinfo=UTC),  # still December 31 in Washington
        authors=[AuthorFactory(name="Ed Kilgore"), AuthorFactory(name="Ruy Teixeira")],
        tags=[TagFactory(name="Swing voters")],
    )
    add_comments(article, 2)
    url = article.get_absolute_url()

    html = listed(article)

    assert html.startswith('<article class="summary">')
    assert f'<h2><a href="{url}">Where the votes are</a></h2>' in html
    assert '<time datetime="2026-12-31T22:30:00-05:00">December 31, 2026</time>' in html
    assert ">Ed Kilgore</a>, <a " in html and ">Ruy Teixeira</a>" in html
    assert f'<a href="{url}#comments">2 comments</a>' in html
    assert '<p class="dek">The suburbs decide.</p>' in html
    assert 'rel="tag">Swing voters</a>' in html


def test_one_comment_is_singular_and_none_is_not_mentioned():
    one, none = ArticleFactory(), ArticleFactory()
    add_comments(one, 1)

    html = listed(one, none)

    assert "1 comment</a>" in html
    assert html.count("#comments") == 1


def test_everything_an_editor_typed_is_escaped():
    article = ArticleFactory(
        title="<script>alert(1)</script> & more",
        dek='"Quoted" <b>dek</b>',
        authors=[AuthorFactory(name="<i>Author</i>")],
        tags=[TagFactory(name="<b>tag</b>")],
    )

    html = listed(article)

    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "&quot;Quoted&quot; &lt;b&gt;dek&lt;/b&gt;" in html


def test_without_authors_or_tags_there_is_no_by_line_or_tag_line():
    html = listed(ArticleFactory(authors=[], tags=[]))

    assert " · by " not in html
    assert "summary-tags" not in html


def test_the_home_page_lists_the_summaries(settings):
    settings.PAGE_CACHE_ENABLED = False
    article = ArticleFactory(title="The realignment")

    html = Client().get("/").content.decode()

    assert f'<h2><a href="{article.get_absolute_url()}">The realignment</a></h2>' in html
