"""Articles: who may see them, the body's HTML, quotations and search."""

from datetime import UTC, datetime, timedelta
from functools import partial
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from markup.html import ARTICLE, clean
from markup.text import paragraphs as autop
from posts.models import Article
from posts.rendering import place_quotations, render_body
from tests.factories import ArticleFactory, OutletFactory, QuotationFactory

pytestmark = pytest.mark.django_db
sanitize_body = partial(clean, policy=ARTICLE)


class TestPublished:
    def test_published_in_the_past_is_visible(self):
        article = ArticleFactory()
        assert list(Article.objects.published()) == [article]
        assert article.is_published()

    def test_draft_is_hidden_whatever_its_time(self):
        article = ArticleFactory(status=Article.Status.DRAFT)
        assert not Article.objects.published().exists()
        assert not article.is_published()

    def test_future_publication_is_saved_as_scheduled_and_hidden(self):
        article = ArticleFactory(pub_date=timezone.now() + timedelta(days=1))
        assert article.status == Article.Status.SCHEDULED
        assert not Article.objects.published().exists()
        assert not article.is_published()

    def test_scheduled_article_appears_by_itself_at_its_time(self):
        start = timezone.now()
        article = ArticleFactory(pub_date=start + timedelta(seconds=5))
        assert article.status == Article.Status.SCHEDULED
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=4)):
            assert not Article.objects.published().exists()
            assert not article.is_published()
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=5)):
            assert list(Article.objects.published()) == [article]
            assert article.is_published()
        # No job ran: the row still says "scheduled", and readers see it anyway.
        article.refresh_from_db()
        assert article.status == Article.Status.SCHEDULED

    def test_scheduled_article_saved_after_its_time_is_published(self):
        article = ArticleFactory(pub_date=timezone.now() + timedelta(seconds=5))
        later = timezone.now() + timedelta(seconds=6)
        with mock.patch("django.utils.timezone.now", return_value=later):
            article.save()
        assert article.status == Article.Status.PUBLISHED

    def test_scheduled_in_the_past_is_visible(self):
        ArticleFactory(pub_date=timezone.now() - timedelta(minutes=1))
        Article.objects.update(status=Article.Status.SCHEDULED)
        assert Article.objects.published().count() == 1


class TestBody:
    def test_paragraphs_and_line_breaks(self):
        html = render_body("First line\nsame paragraph.\n\nSecond paragraph.")
        assert html == "<p>First line<br>\nsame paragraph.</p>\n\n<p>Second paragraph.</p>"

    def test_html_blocks_are_not_wrapped(self):
        assert autop("<h2>Heading</h2>\n\nText.") == "<h2>Heading</h2>\n\n<p>Text.</p>"

    def test_allowed_markup_is_kept(self):
        source = (
            "<h2>A</h2><h3>B</h3><h4>C</h4><p><em>e</em> <strong>s</strong> "
            '<a href="https://example.org/" title="t">link</a> '
            '<a href="mailto:a@example.org">m</a></p>'
            "<ul><li>one</li></ul><ol><li>two</li></ol>"
            '<blockquote cite="https://example.org/q"><p>quoted</p></blockquote>'
            '<figure><img src="/media/i.png" alt="An image"><figcaption>c</figcaption>'
            "</figure><hr>"
        )
        html = sanitize_body(source)
        for kept in [
            "<h2>A</h2>",
            "<h3>B</h3>",
            "<h4>C</h4>",
            "<em>e</em>",
            "<strong>s</strong>",
            '<a href="https://example.org/" title="t">link</a>',
            '<a href="mailto:a@example.org">m</a>',
            "<ul><li>one</li></ul>",
            "<ol><li>two</li></ol>",
            '<blockquote cite="https://example.org/q">',
            '<img src="/media/i.png" alt="An image">',
            "<figcaption>c</figcaption>",
            "<hr>",
        ]:
            assert kept in html

    @pytest.mark.parametrize(
        ("source", "forbidden"),
        [
            ("<script>alert(1)</script>Text", ["<script", "alert(1)"]),
            ("<SCRIPT src=//evil.example/x.js></SCRIPT>Text", ["<script", "evil.example"]),
            ('<img src="x.png" onerror="alert(1)" alt="a">', ["onerror", "alert"]),
            ('<a href="javascript:alert(1)">click</a>', ["javascript:", "alert"]),
            ('<a href="  JaVaScRiPt:alert(1)">click</a>', ["javascript", "alert"]),
            ('<a href="jav&#x09;ascript:alert(1)">x</a>', ["ascript:", "alert"]),
            ("<style>body{display:none}</style>Text", ["<style", "display:none"]),
            ('<p style="position:fixed">Text</p>', ["style=", "position"]),
            ('<svg onload="alert(1)"><circle/></svg>Text', ["<svg", "onload", "alert"]),
            ('<iframe src="https://evil.example/"></iframe>Text', ["<iframe", "evil.example"]),
            ('<a href="data:text/html,<script>alert(1)</script>">x</a>', ["data:", "alert"]),
        ],
    )
    def test_dangerous_markup_is_removed(self, source, forbidden):
        html = render_body(source).lower()
        for needle in forbidden:
            assert needle.lower() not in html

    @pytest.mark.parametrize(
        "source",
        [
            "Plain\n\ntext",
            '<p onclick="x()">Hi <script>bad()</script><a href="javascript:x">a</a></p>',
            "<h1>Big</h1><table><tr><td>cell</td></tr></table>",
            "&lt;script&gt; stays text &amp; so on",
        ],
    )
    def test_sanitizing_is_idempotent(self, source):
        once = render_body(source)
        assert sanitize_body(once) == once
        assert sanitize_body(sanitize_body(source)) == sanitize_body(source)

    def test_body_html_is_rendered_on_save(self):
        article = ArticleFactory(body="Hello <script>x()</script>\n\nWorld")
        assert article.body_html == "<p>Hello </p>\n\n<p>World</p>"


class TestQuotations:
    def test_marker_places_quotation_and_the_rest_are_sources(self):
        article = ArticleFactory(body="Intro.\n\n[quote 2]\n\nOutro.")
        first = QuotationFactory(article=article, order=1, text="First passage.")
        second = QuotationFactory(article=article, order=2, text="Second passage.")
        html, unplaced = place_quotations(article.body_html, article.quotations.all())
        assert unplaced == [first]
        assert "[quote 2]" not in html
        assert html.index("Intro.") < html.index("Second passage.") < html.index("Outro.")
        assert f'<blockquote cite="{second.source_url}">' in html
        assert "First passage." not in html

    def test_attribution_links_the_original_and_the_outlet_page(self):
        outlet = OutletFactory(name="Politico", slug="politico")
        quotation = QuotationFactory(
            speaker="Gabriel Debenedetti",
            outlet=outlet,
            source_url="https://www.politico.com/news/2026/01/01/example",
            order=1,
        )
        quotation.article.body = "[quote 1]"
        quotation.article.save()
        html, unplaced = place_quotations(quotation.article.body_html, [quotation])
        assert unplaced == []
        assert (
            '<a href="https://www.politico.com/news/2026/01/01/example" rel="external noopener">'
            "Gabriel Debenedetti reports</a> at "
            '<a href="/source/politico/">Politico</a>'
        ) in html

    def test_quotation_text_is_escaped_plain_text(self):
        quotation = QuotationFactory(
            text='He said <script>alert("x")</script> & left.\n\nThen more.',
            speaker="<b>Someone</b>",
            order=1,
        )
        html, _ = place_quotations("<p>[quote 1]</p>", [quotation])
        assert "<script>" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; left." in html
        assert "&lt;b&gt;Someone&lt;/b&gt;" in html
        assert "<p>Then more.</p>" in html

    def test_marker_inside_a_sentence_is_left_alone(self):
        quotation = QuotationFactory(order=1)
        html, unplaced = place_quotations("<p>See [quote 1] here.</p>", [quotation])
        assert html == "<p>See [quote 1] here.</p>"
        assert unplaced == [quotation]

    def test_unknown_and_repeated_markers_are_dropped(self):
        quotation = QuotationFactory(order=1)
        html, unplaced = place_quotations(
            "<p>[quote 1]</p><p>[quote 1]</p><p>[quote 9]</p>", [quotation]
        )
        assert html.count("<blockquote") == 1
        assert "[quote" not in html
        assert unplaced == []


class TestSearch:
    def test_matches_title_dek_and_body_of_published_articles_only(self):
        in_title = ArticleFactory(title="Suburban turnout rises")
        in_dek = ArticleFactory(dek="Why turnout matters.")
        in_body = ArticleFactory(body="Paragraph about turnout in rural counties.")
        ArticleFactory(title="Unrelated piece", body="Nothing here.")
        ArticleFactory(title="Draft about turnout", status=Article.Status.DRAFT)
        found = set(Article.objects.published().search("turnout"))
        assert found == {in_title, in_dek, in_body}

    def test_empty_query_finds_nothing(self):
        ArticleFactory()
        assert not Article.objects.published().search("   ").exists()

    def test_order(self):
        now = timezone.now()
        older_title_match = ArticleFactory(
            title="Coalitions and turnout", pub_date=now - timedelta(days=5)
        )
        newer_body_match = ArticleFactory(
            title="Another piece",
            body="A long paragraph that mentions turnout once among other words.",
            pub_date=now - timedelta(days=1),
        )
        results = list(Article.objects.published().search("turnout"))
        if connection.vendor == "postgresql":
            # Ranked by relevance: a title match outranks a body match.
            assert results == [older_title_match, newer_body_match]
        else:
            assert results == [newer_body_match, older_title_match]

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL stemming only")
    def test_postgresql_stems_words(self):
        article = ArticleFactory(title="Campaigns in the suburbs")
        assert list(Article.objects.published().search("campaigning")) == [article]


def test_search_needs_every_word():
    both = ArticleFactory(title="Plain words win", body="Short sentences.")
    ArticleFactory(title="Organizing starts early", body="Words matter, they say.")
    ArticleFactory(title="Plain geography", body="Maps and counties.")
    assert list(Article.objects.published().search("plain words")) == [both]


def test_unclosed_script_tag_keeps_the_words_after_it():
    html = render_body("Hello <script>alert(1) and the rest\n\nSecond paragraph")
    assert "<script" not in html
    assert "and the rest" in html
    assert "<p>Second paragraph</p>" in html
    assert render_body(html) == html


class TestSlugUniqueInItsMonth:
    """A slug is unique among the articles of its address's month, /YYYY/MM/<slug>/."""

    def test_the_same_month_of_another_year_is_another_address(self):
        # Django's unique_for_month compares the month number alone.
        ArticleFactory(slug="year-in-review", pub_date=datetime(2024, 12, 20, 17, tzinfo=UTC))
        article = ArticleFactory.build(
            slug="year-in-review", pub_date=datetime(2025, 12, 19, 17, tzinfo=UTC)
        )
        article.validate_unique()
        assert article.get_absolute_url() == "/2025/12/year-in-review/"

    def test_the_month_is_the_site_time_zone_s(self):
        # 03:30 UTC on March 1st is February 28th in New York: the address is /2026/02/.
        ArticleFactory(slug="late-night", pub_date=datetime(2026, 2, 10, 17, tzinfo=UTC))
        late = ArticleFactory.build(
            slug="late-night", pub_date=datetime(2026, 3, 1, 3, 30, tzinfo=UTC)
        )
        with pytest.raises(ValidationError) as raised:
            late.validate_unique()
        assert "must be unique for" in " ".join(raised.value.message_dict["slug"])
        # ...and an article of March in New York is no clash.
        ArticleFactory(slug="early", pub_date=datetime(2026, 3, 2, 17, tzinfo=UTC))
        ArticleFactory.build(
            slug="early", pub_date=datetime(2026, 3, 1, 3, 30, tzinfo=UTC)
        ).validate_unique()

    def test_saving_an_article_again_is_no_clash_with_itself(self):
        article = ArticleFactory(slug="once", pub_date=datetime(2026, 2, 10, 17, tzinfo=UTC))
        article.validate_unique()
