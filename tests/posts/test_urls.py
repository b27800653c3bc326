"""
get_absolute_url() builds the addresses of articles, authors, tags and outlets
without reverse() (dozens per list page); it must give exactly what reverse()
gives for the patterns in posts/urls.py.
"""

from datetime import UTC, datetime

import pytest
from django.urls import clear_script_prefix, resolve, reverse, set_script_prefix

from posts.models import Article, Author, Outlet, Tag
from tests.factories import ArticleFactory, AuthorFactory, OutletFactory, TagFactory


def reversed_article_url(article: Article) -> str:
    from django.utils import timezone

    local = timezone.localtime(article.pub_date)
    return reverse(
        "posts:article",
        kwargs={"year": local.year, "month": f"{local.month:02d}", "slug": article.slug},
    )


@pytest.mark.django_db
def test_article_url_is_reverse_in_the_site_time_zone():
    # 03:30 UTC on March 1st is still February 28th in New York (the site's zone).
    article = ArticleFactory(slug="late-night", pub_date=datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    assert article.get_absolute_url() == "/2026/02/late-night/"
    assert article.get_absolute_url() == reversed_article_url(article)
    match = resolve(article.get_absolute_url())
    assert match.view_name == "posts:article"
    assert match.kwargs == {"year": 2026, "month": 2, "slug": "late-night"}


@pytest.mark.django_db
def test_author_tag_and_outlet_urls_are_reverse():
    author, tag, outlet = AuthorFactory(), TagFactory(), OutletFactory()
    assert author.get_absolute_url() == reverse("posts:author", kwargs={"slug": author.slug})
    assert tag.get_absolute_url() == reverse("posts:tag", kwargs={"slug": tag.slug})
    assert outlet.get_absolute_url() == reverse("posts:source", kwargs={"slug": outlet.slug})


def test_script_prefix_is_honoured():
    article = Article(slug="mounted", pub_date=datetime(2026, 6, 15, 12, tzinfo=UTC))
    set_script_prefix("/magazine/")
    try:
        assert article.get_absolute_url() == "/magazine/2026/06/mounted/"
        assert Tag(slug="swing").get_absolute_url() == "/magazine/tag/swing/"
        assert article.get_absolute_url() == reversed_article_url(article)
    finally:
        clear_script_prefix()
    assert article.get_absolute_url() == "/2026/06/mounted/"


def test_slugs_reverse_would_refuse_still_go_through_reverse():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        Author(slug="café").get_absolute_url()
    with pytest.raises(NoReverseMatch):
        Outlet(slug="a/b").get_absolute_url()


@pytest.mark.django_db
def test_every_pages_chrome_links_follow_the_script_prefix(client, settings):
    """templates/base.html's addresses (posts.context_processors.chrome_urls), worked out once."""
    settings.PAGE_CACHE_ENABLED = False
    chrome = (
        'href="{}feed/"',
        'href="{}feed/atom/"',
        'action="{}search/"',
        'href="{}archives/"',
        'href="{}sitemap.xml"',
        'href="{}static/css/site.css"',
    )

    at_root = client.get("/").content.decode()
    settings.STATIC_URL = "/magazine/static/"
    set_script_prefix("/magazine/")  # as the WSGI handler does for a site mounted there
    try:
        mounted = client.get("/").content.decode()
    finally:
        clear_script_prefix()

    for link in chrome:
        assert link.format("/") in at_root, link
        assert link.format("/magazine/") in mounted, link
    assert '<a href="/magazine/">' in mounted
