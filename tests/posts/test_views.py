"""The public site: every URL, feeds, sitemap and accessibility basics."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import timezone

from posts.models import Article, SiteSettings
from posts.views import ARTICLES_PER_PAGE
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    OutletFactory,
    QuotationFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

RSS_NS = {"atom": "http://www.w3.org/2005/Atom"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class PageOutline(HTMLParser):
    """Collects what the accessibility checks look at."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.headings = []
        self.images = []
        self.links = []
        self.scripts = []
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = [int(tag[1]), ""]
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script":
            self.scripts.append(attrs)

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data

    def handle_endtag(self, tag):
        if self._heading is not None and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], self._heading[1].strip()))
            self._heading = None

    def has(self, tag, **attrs):
        return any(
            name == tag and all(found.get(k) == v for k, v in attrs.items())
            for name, found in self.tags
        )


def parse_xml(content):
    """Our own feeds and sitemap, so the standard parser is safe here."""
    return ET.fromstring(content)  # noqa: S314


def outline(response):
    parser = PageOutline()
    parser.feed(response.content.decode())
    return parser


def assert_accessible(response):
    page = outline(response)
    assert page.has("main", id="main")
    assert page.has("header") and page.has("footer") and page.has("nav")
    assert page.has("a", href="#main")  # The skip link.
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1, page.headings
    assert levels[0] == 1
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1, f"heading level skipped: {page.headings}"
    for image in page.images:
        assert image.get("alt"), image
    # Nothing from a third-party CDN: scripts and stylesheets are our own
    # (reCAPTCHA, under the comment form, being the one exception).
    for attrs in page.scripts:
        src = attrs.get("src", "")
        if src.startswith(("http:", "https:", "//")):
            assert src.startswith("https://www.google.com/recaptcha/"), src
    for attrs in page.links:
        if attrs.get("rel") == "stylesheet":
            assert attrs["href"].startswith("/static/")
    return page


@pytest.fixture
def published():
    """A small published site: two articles by one author, tagged, quoting one outlet."""
    author = AuthorFactory(name="Ruth Lindqvist", slug="ruth-lindqvist", bio="Covers capitols.")
    tag = TagFactory(name="Turnout", slug="turnout")
    outlet = OutletFactory(name="Politico", slug="politico")
    first = ArticleFactory(
        title="Turnout Is a Year-Round Job",
        slug="turnout-is-a-year-round-job",
        dek="Voters are won long before October.",
        body="Organizing starts early.\n\n[quote 1]\n\nIt never stops.",
        authors=[author],
        tags=[tag],
        pub_date=timezone.now() - timedelta(days=2),
    )
    QuotationFactory(
        article=first, outlet=outlet, order=1, speaker="Marcus Bell", text="Contact rates doubled."
    )
    QuotationFactory(
        article=first, outlet=outlet, order=2, speaker="Leah Morrow", text="Asked once is enough."
    )
    second = ArticleFactory(
        title="Plain Words Win",
        slug="plain-words-win",
        authors=[author],
        pub_date=timezone.now() - timedelta(days=1),
    )
    draft = ArticleFactory(
        title="Secret Draft", slug="secret-draft", status=Article.Status.DRAFT, tags=[tag]
    )
    scheduled = ArticleFactory(
        title="Tomorrow's Piece",
        slug="tomorrows-piece",
        pub_date=timezone.now() + timedelta(days=1),
        authors=[author],
        tags=[tag],
    )
    QuotationFactory(article=draft, outlet=outlet, order=1)
    return {
        "author": author,
        "tag": tag,
        "outlet": outlet,
        "first": first,
        "second": second,
        "draft": draft,
        "scheduled": scheduled,
    }


class TestPages:
    def test_home_page(self, client, published):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        for text in [
            "The Democratic Strategist",
            "Political Strategy for a Permanent Democratic Majority",
            "washington, dc",
            "Turnout Is a Year-Round Job",
            "Plain Words Win",
        ]:
            assert text in html
        assert "Secret Draft" not in html
        assert "Tomorrow&#x27;s Piece" not in html and "Tomorrow's Piece" not in html
        assert html.index("Plain Words Win") < html.index("Turnout Is a Year-Round Job")
        assert_accessible(response)

    def test_masthead_comes_from_site_settings(self, client, published):
        site = SiteSettings.load()
        site.name, site.tagline, site.place_line = "The Lantern", "Light on power", "boston, ma"
        site.save()
        html = client.get("/").content.decode()
        assert "The Lantern" in html and "Light on power" in html and "boston, ma" in html

    def test_article_page(self, client, published):
        article = published["first"]
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        page = assert_accessible(response)
        assert (1, "Turnout Is a Year-Round Job") in page.headings
        assert "Voters are won long before October." in html
        assert 'href="/author/ruth-lindqvist/"' in html
        assert 'href="/tag/turnout/"' in html
        # Quotation 1 placed in the body, quotation 2 listed as a source below it.
        assert html.index("Organizing starts early.") < html.index("Contact rates doubled.")
        assert html.index("Contact rates doubled.") < html.index("It never stops.")
        assert html.index("It never stops.") < html.index("Sources quoted")
        assert html.index("Sources quoted") < html.index("Asked once is enough.")
        assert 'Marcus Bell reports</a> at <a href="/source/politico/">Politico</a>' in html
        assert "[quote 1]" not in html
        assert "Preview:" not in html

    def test_article_page_canonical_and_open_graph(self, client, published):
        article = published["first"]
        url = f"http://testserver{article.get_absolute_url()}"
        page = outline(client.get(article.get_absolute_url() + "?utm_source=x"))
        assert page.has("link", rel="canonical", href=url)
        assert page.has("meta", property="og:url", content=url)
        assert page.has("meta", property="og:type", content="article")
        assert page.has("meta", property="og:title", content=article.title)
        assert page.has("meta", property="og:description", content=article.dek)
        assert page.has("meta", property="og:site_name", content="The Democratic Strategist")

    def test_article_without_dek_describes_itself_with_its_body(self, client):
        article = ArticleFactory(
            dek="",
            body="Rivers &amp; roads <em>matter</em>.\n\n[quote 1]\n\n" + "word " * 60,
        )
        page = outline(client.get(article.get_absolute_url()))
        summary = "Rivers & roads matter. " + "word " * 35 + "word…"  # 40 words.
        assert page.has("meta", name="description", content=summary)
        assert page.has("meta", property="og:description", content=summary)

    def test_lists_show_the_start_of_the_body_of_an_article_without_dek(self, client):
        ArticleFactory(dek="", body="Imported <strong>without</strong> an excerpt.\n\nMore.")
        html = client.get("/").content.decode()
        assert '<p class="dek">Imported without an excerpt. More.</p>' in html

    def test_list_pages_have_canonical_and_open_graph(self, client, published):
        page = outline(client.get("/tag/turnout/?x=1"))
        assert page.has("link", rel="canonical", href="http://testserver/tag/turnout/")
        assert page.has("meta", property="og:type", content="website")

    def test_wrong_month_is_404(self, client, published):
        article = published["first"]
        local = timezone.localtime(article.pub_date)
        other_month = 1 if local.month != 1 else 2
        response = client.get(f"/{local.year}/{other_month:02d}/{article.slug}/")
        assert response.status_code == 404
        assert client.get(f"/{local.year}/13/{article.slug}/").status_code == 404

    @pytest.mark.parametrize("which", ["draft", "scheduled"])
    def test_unpublished_articles_are_404_for_readers(self, client, published, which):
        response = client.get(published[which].get_absolute_url())
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    @pytest.mark.parametrize("which", ["draft", "scheduled"])
    def test_unpublished_articles_are_404_for_staff_without_article_access(
        self, client, published, which
    ):
        client.force_login(UserFactory(is_staff=True))
        assert client.get(published[which].get_absolute_url()).status_code == 404

    @pytest.mark.parametrize("which", ["draft", "scheduled"])
    def test_editors_preview_unpublished_articles(self, client, published, which):
        editor = UserFactory(is_staff=True)
        editor.groups.add(Group.objects.get(name="Editors"))
        client.force_login(editor)
        response = client.get(published[which].get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "Preview: readers cannot see this" in html
        assert 'content="noindex"' in html

    def test_tag_page(self, client, published):
        response = client.get("/tag/turnout/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Turnout Is a Year-Round Job" in html
        assert "Plain Words Win" not in html
        assert "Secret Draft" not in html and "Tomorrow" not in html
        assert 'href="/tag/turnout/feed/"' in html
        assert_accessible(response)

    def test_author_page(self, client, published):
        response = client.get("/author/ruth-lindqvist/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Ruth Lindqvist" in html and "Covers capitols." in html
        assert "Turnout Is a Year-Round Job" in html and "Plain Words Win" in html
        assert "Tomorrow" not in html
        assert_accessible(response)

    def test_source_page_lists_articles_quoting_the_outlet(self, client, published):
        response = client.get("/source/politico/")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("Turnout Is a Year-Round Job") == 1  # Quoted twice, listed once.
        assert "Plain Words Win" not in html
        assert "Secret Draft" not in html
        assert_accessible(response)

    @pytest.mark.parametrize("url", ["/tag/nope/", "/author/nope/", "/source/nope/"])
    def test_unknown_groups_are_404(self, client, url):
        assert client.get(url).status_code == 404

    def test_year_and_month_archives(self, client, published):
        local = timezone.localtime(published["first"].pub_date)
        response = client.get(f"/{local.year}/")
        assert response.status_code == 200
        # The year lists its months, each linking to the month's articles.
        assert f'href="/{local.year}/{local.month:02d}/"' in response.content.decode()
        assert_accessible(response)
        response = client.get(f"/{local.year}/{local.month:02d}/")
        assert response.status_code == 200
        assert "Turnout Is a Year-Round Job" in response.content.decode()
        assert "Secret Draft" not in response.content.decode()
        assert client.get("/1999/").status_code == 404
        assert client.get("/1999/01/").status_code == 404

    def test_search(self, client, published):
        response = client.get("/search/", {"q": "turnout"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Turnout Is a Year-Round Job" in html
        assert "Plain Words Win" not in html
        assert "Secret Draft" not in html
        assert "1 article found." in html
        assert_accessible(response)

    def test_search_without_words_and_without_results(self, client, published):
        response = client.get("/search/")
        assert response.status_code == 200
        assert "found" not in response.content.decode()
        response = client.get("/search/", {"q": "zeppelin"})
        assert "No published article matches these words." in response.content.decode()

    def test_search_escapes_the_query(self, client):
        response = client.get("/search/", {"q": '<script>alert("x")</script>'})
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()

    def test_robots_txt(self, client):
        response = client.get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        text = response.content.decode()
        assert "User-agent: *" in text
        assert "Disallow: /admin/" in text
        assert "Sitemap: http://testserver/sitemap.xml" in text  # The sitemap index.

    def test_404_page_is_styled(self, client):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html
        assert "/static/css/site.css" in html
        assert "The Democratic Strategist" in html
        assert_accessible(response)

    def test_500_page(self, client):
        from posts.views import server_error

        response = server_error(None)
        assert response.status_code == 500
        html = response.content.decode()
        assert "Something went wrong" in html
        assert "/static/css/site.css" in html

    @override_settings(DEBUG=False)
    def test_500_handler_is_used_for_errors(self, client, monkeypatch):
        from posts import views

        def broken(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(views.ArticleIndexView, "get", broken)
        client.raise_request_exception = False
        response = client.get("/")
        assert response.status_code == 500
        assert "Something went wrong" in response.content.decode()

    def test_stylesheet_is_served(self, client):
        response = client.get("/static/css/site.css")
        assert response.status_code == 200
        assert b".skip-link" in b"".join(response.streaming_content)


class TestPagination:
    @pytest.fixture
    def many(self):
        tag, author, outlet = (
            TagFactory(slug="many"),
            AuthorFactory(slug="many"),
            OutletFactory(slug="many"),
        )
        now = timezone.now()
        articles = []
        for n in range(ARTICLES_PER_PAGE + 3):
            article = ArticleFactory(
                title=f"Numbered piece {n:02d}",
                pub_date=now - timedelta(hours=n + 1),
                tags=[tag],
                authors=[author],
            )
            QuotationFactory(article=article, outlet=outlet, order=1)
            articles.append(article)
        return articles

    @pytest.mark.parametrize("base", ["/", "/tag/many/", "/author/many/", "/source/many/"])
    def test_lists_paginate(self, client, many, base):
        first = client.get(base)
        html = first.content.decode()
        assert "Numbered piece 00" in html and "Numbered piece 09" in html
        assert "Numbered piece 10" not in html
        assert f'href="{base}page/2/"' in html
        second = client.get(f"{base}page/2/")
        assert second.status_code == 200
        html = second.content.decode()
        assert "Numbered piece 10" in html and "Numbered piece 12" in html
        assert "Numbered piece 09" not in html
        assert f'rel="prev" href="{base}"' in html
        assert client.get(f"{base}page/3/").status_code == 404
        assert client.get(f"{base}page/0/").status_code == 404

    @pytest.mark.parametrize("base", ["/", "/tag/many/", "/author/many/", "/source/many/"])
    def test_page_one_redirects_permanently_to_the_list(self, client, many, base):
        response = client.get(f"{base}page/1/")
        assert response.status_code == 301
        assert response["Location"] == base
        response = client.get(f"{base}page/1/", {"utm_source": "x"})
        assert response["Location"] == f"{base}?utm_source=x"

    def test_page_one_of_an_unknown_tag_is_a_404(self, client, many):
        assert client.get("/tag/no-such-tag/page/1/").status_code == 404

    def test_search_paginates_with_its_query(self, client, many):
        response = client.get("/search/", {"q": "numbered"})
        assert 'href="?q=numbered&amp;page=2"' in response.content.decode()
        response = client.get("/search/", {"q": "numbered", "page": 2})
        assert "Numbered piece 12" in response.content.decode()


class TestFeeds:
    def test_rss(self, client, published):
        response = client.get("/feed/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/rss+xml")
        root = parse_xml(response.content)
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        assert channel.findtext("title") == "The Democratic Strategist"
        items = channel.findall("item")
        assert [item.findtext("title") for item in items] == [
            "Plain Words Win",
            "Turnout Is a Year-Round Job",
        ]
        first = items[1]
        assert first.findtext("link") == (
            f"http://testserver{published['first'].get_absolute_url()}"
        )
        assert first.findtext("description") == "Voters are won long before October."
        assert [c.text for c in first.findall("category")] == ["Turnout"]
        assert "Ruth Lindqvist" in ET.tostring(first, encoding="unicode")

    def test_atom(self, client, published):
        response = client.get("/feed/atom/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        root = parse_xml(response.content)
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
        titles = [
            e.findtext("atom:title", namespaces=RSS_NS) for e in root.findall("atom:entry", RSS_NS)
        ]
        assert titles == ["Plain Words Win", "Turnout Is a Year-Round Job"]

    @pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/tag/turnout/feed/"])
    def test_feeds_never_show_an_authors_email(self, client, published, url):
        author = published["first"].authors.get()
        author.email = "ruth.private@example.org"
        author.save()
        ArticleFactory(authors=[AuthorFactory(email="other.private@example.org")])
        content = client.get(url).content.decode()
        assert "Ruth Lindqvist" in content
        assert "@" not in content, content

    def test_atom_feed_has_an_author_for_entries_without_a_byline(self, client):
        ArticleFactory(title="No byline", authors=[])
        root = parse_xml(client.get("/feed/atom/").content)
        assert root.findtext("atom:author/atom:name", namespaces=RSS_NS) == (
            "The Democratic Strategist"
        )
        entry = root.find("atom:entry", RSS_NS)
        assert entry.find("atom:author", RSS_NS) is None  # The feed's author applies.

    def test_tag_feed(self, client, published):
        response = client.get("/tag/turnout/feed/")
        assert response.status_code == 200
        channel = parse_xml(response.content).find("channel")
        assert [item.findtext("title") for item in channel.findall("item")] == [
            "Turnout Is a Year-Round Job"
        ]
        assert client.get("/tag/nope/feed/").status_code == 404

    def test_feed_body_without_dek_has_its_quotations(self, client):
        article = ArticleFactory(dek="", body="Before.\n\n[quote 1]\n\nAfter.")
        QuotationFactory(article=article, order=1, text="Placed passage.")
        QuotationFactory(article=article, order=2, text="Listed passage.")
        channel = parse_xml(client.get("/feed/").content).find("channel")
        description = channel.find("item").findtext("description")
        assert "[quote" not in description
        assert description.index("Before.") < description.index("Placed passage.")
        assert description.index("After.") < description.index("Listed passage.")

    def test_feed_body_falls_back_to_sanitized_html(self, client):
        ArticleFactory(dek="", body='Hello <script>x()</script><a href="javascript:y()">l</a>')
        channel = parse_xml(client.get("/feed/").content).find("channel")
        description = channel.find("item").findtext("description")
        assert "Hello" in description
        assert "<script" not in description and "javascript:" not in description


def sitemap_locations(client):
    """Every URL of every section listed by the sitemap index."""
    index = parse_xml(client.get("/sitemap.xml").content)
    locations = set()
    for section in index.findall("sm:sitemap/sm:loc", SITEMAP_NS):
        response = client.get(section.text.removeprefix("http://testserver"))
        assert response.status_code == 200, section.text
        root = parse_xml(response.content)
        locations |= {e.text for e in root.findall("sm:url/sm:loc", SITEMAP_NS)}
    return locations


class TestSitemap:
    def test_lists_published_articles_and_their_groups(self, client, published):
        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        locations = sitemap_locations(client)
        base = "http://testserver"
        assert locations == {
            f"{base}/",
            f"{base}/tags/",
            f"{base}{published['first'].get_absolute_url()}",
            f"{base}{published['second'].get_absolute_url()}",
            f"{base}/tag/turnout/",
            f"{base}/author/ruth-lindqvist/",
            f"{base}/source/politico/",
        }

    def test_tags_with_only_unpublished_articles_are_left_out(self, client):
        TagFactory(slug="empty")
        ArticleFactory(status=Article.Status.DRAFT, tags=[TagFactory(slug="drafty")])
        assert sitemap_locations(client) == {"http://testserver/", "http://testserver/tags/"}


def test_lists_show_approved_comment_counts_only(client):
    from comments.models import Comment
    from tests.factories import CommentFactory

    article = ArticleFactory(title="Counted")
    CommentFactory.create_batch(2, article=article, status=Comment.Status.APPROVED)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    CommentFactory(article=article, status=Comment.Status.SPAM)
    html = client.get("/").content.decode()
    assert f'<a href="{article.get_absolute_url()}#comments">2 comments</a>' in html


def test_static_files_need_no_collectstatic_in_development():
    """WhiteNoise serves static/ through the finders: no "No directory" warning."""
    import warnings

    from whitenoise.middleware import WhiteNoiseMiddleware

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        middleware = WhiteNoiseMiddleware(lambda request: None)
    assert middleware.use_finders and middleware.autorefresh


def test_favicon_is_linked_and_the_conventional_address_redirects_to_it(client, db):
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/0000/01/a-slug/", "/9999/12/a-slug/", "/2026/00/a-slug/", "/0000/", "/9999/", "/0000/01/"],
)
def test_an_address_in_a_month_or_year_no_calendar_has_is_a_404(client, path):
    """Year 0 and the month after December 9999 have no first instant (these were 500s)."""
    assert client.get(path).status_code == 404
