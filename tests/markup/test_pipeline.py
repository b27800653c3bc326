"""markup/, the one text pipeline: body formats, paragraphs, the XML filter, one bleach importer."""

import ast
import io
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command

from comments.sanitize import sanitize_comment
from markup.html import ARTICLE, COMMENT, clean, render_text
from markup.text import paragraphs, xml_safe
from posts.models import Article
from posts.rendering import quotation_markers, render_body
from tests.factories import ArticleFactory, CommentFactory, QuotationFactory

ROOT = Path(__file__).resolve().parents[2]
# Apps markup must not depend on: it is below them.
APPS = {"posts", "comments", "wordpress", "pagecache", "security", "strategist", "singletons"}


def project_modules():
    """Every .py file of the project outside tests/, the virtual environment and hidden folders."""
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in ("tests", ".venv", "node_modules") or any(
            part.startswith(".") for part in parts
        ):
            continue
        yield path


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return modules


# One pipeline --------------------------------------------------------------


def test_only_one_module_imports_bleach():
    importers = {
        path.relative_to(ROOT).as_posix()
        for path in project_modules()
        if any(m == "bleach" or m.startswith("bleach.") for m in imported_modules(path))
    }
    assert importers == {"markup/html.py"}


def test_markup_imports_none_of_the_apps():
    for path in (ROOT / "markup").glob("*.py"):
        roots = {module.split(".")[0] for module in imported_modules(path)}
        assert not roots & APPS, (path.name, roots & APPS)


def test_no_other_module_keeps_its_own_list_of_characters_xml_cannot_carry():
    """The character class of markup.text's filter is written out nowhere else."""
    holders = {
        path.relative_to(ROOT).as_posix()
        for path in project_modules()
        if "\\x0e-\\x1f" in path.read_text(encoding="utf-8")
    }
    assert holders == {"markup/text.py"}


def test_policies_keep_what_each_place_allows():
    html = '<h2>H</h2><p><em>e</em> <a href="https://x.example/" title="t">l</a></p>'
    assert clean(html, ARTICLE) == html
    assert clean(html, COMMENT) == (
        'H<p><em>e</em> <a href="https://x.example/" rel="nofollow ugc noopener">l</a></p>'
    )
    # Only comments get bare addresses linked.
    assert clean("see www.example.com", ARTICLE) == "see www.example.com"
    assert '<a href="http://www.example.com" rel="nofollow ugc noopener">' in (
        clean("see www.example.com", COMMENT)
    )


def test_each_thread_has_its_own_cleaner_for_each_policy():
    texts = [
        f"Writer {n}:\n\n<b>Turnout</b> in www.example.com/{n}. " + "<i>x</i> <p>y</p> </b> " * 30
        for n in range(12)
    ]
    expected = [(render_text(t, ARTICLE), render_text(t, COMMENT)) for t in texts]

    def render_all(offset):
        rotated = texts[offset:] + texts[:offset]
        return [(render_text(t, ARTICLE), render_text(t, COMMENT)) for t in rotated * 2]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(render_all, range(12)))
    for offset, result in enumerate(results):
        assert result == (expected[offset:] + expected[:offset]) * 2


# Paragraphs ----------------------------------------------------------------


def test_one_splitter_for_articles_and_comments():
    text = "One\r\ntwo\n \nthree"
    assert paragraphs(text) == "<p>One<br>\ntwo</p>\n\n<p>three</p>"
    assert render_body(text) == "<p>One<br>\ntwo</p>\n\n<p>three</p>"
    assert sanitize_comment(text) == "<p>One<br>\ntwo</p>\n<p>three</p>"


def test_splitter_leaves_blocks_by_each_policy_rules():
    text = "<h2>Title</h2>\n\n</div>after\n\n<blockquote>q</blockquote>"
    assert paragraphs(text) == text
    assert paragraphs(text, blocks={"p", "blockquote"}, end_tags=False, separator="\n") == (
        "<p><h2>Title</h2></p>\n<p></div>after</p>\n<blockquote>q</blockquote>"
    )
    assert paragraphs("  \n\n ") == ""


# Article body formats ------------------------------------------------------

HTML_BODY = (
    '<h2>Heading</h2>\n\n<p class="lead">One.</p>\nLoose line\n\n'
    "<pre>a\n\nb</pre><script>x()</script>"
)


@pytest.mark.django_db
class TestBodyFormat:
    def test_text_is_the_default_and_gets_paragraphs(self):
        article = ArticleFactory(body="First line\nsame paragraph.\n\nSecond.")
        assert article.body_format == Article.BodyFormat.TEXT
        assert article.body_html == "<p>First line<br>\nsame paragraph.</p>\n\n<p>Second.</p>"

    def test_html_body_is_stored_as_it_is_and_cleaned(self):
        article = ArticleFactory(body=HTML_BODY, body_format=Article.BodyFormat.HTML)
        article.refresh_from_db()
        assert article.body == HTML_BODY
        # No paragraph added, blank lines (in <pre> too) kept; class and script gone.
        assert article.body_html == (
            "<h2>Heading</h2>\n\n<p>One.</p>\nLoose line\n\n<pre>a\n\nb</pre>"
        )

    def test_the_same_body_as_text_is_paragraphed(self):
        article = ArticleFactory(body=HTML_BODY)
        assert article.body_html == (
            "<h2>Heading</h2>\n\n<p>One.</p>\nLoose line\n\n<pre>a\n\n<p>b</p></pre><p></p>"
        )

    def test_changing_the_format_renders_again(self):
        article = ArticleFactory(body="Plain words.")
        assert article.body_html == "<p>Plain words.</p>"
        article.body_format = Article.BodyFormat.HTML
        article.save()
        assert article.body_html == "Plain words."

    @pytest.mark.parametrize(
        "payload",
        [
            '<img src=x onerror="alert(1)">',
            '<a href="javascript:alert(1)">x</a>',
            "<svg onload=alert(1)>",
            '<p style="position:fixed">x</p>',
        ],
    )
    def test_html_body_is_cleaned_like_a_text_body(self, payload):
        article = ArticleFactory(body=payload, body_format=Article.BodyFormat.HTML)
        lowered = article.body_html.lower()
        for needle in ("onerror", "javascript:", "<svg", "style="):
            assert needle not in lowered

    def test_quotation_in_an_html_body_is_placed_by_its_paragraph(self, client):
        article = ArticleFactory(
            body="<p>Intro.</p>\n<p>[quote 1]</p>\n<p>Outro.</p>",
            body_format=Article.BodyFormat.HTML,
        )
        QuotationFactory(article=article, order=1, text="Placed passage.")
        content = client.get(article.get_absolute_url()).content.decode()
        assert "[quote 1]" not in content
        assert content.index("Intro.") < content.index("Placed passage.") < content.index("Outro.")

    def test_quotation_markers_follow_the_format(self):
        body = "<p>Intro.</p>\n\n[quote 1]\n\n<p>[quote 2]</p>"
        assert quotation_markers(body) == ({1, 2}, set())
        # In HTML nothing wraps the bare marker: it would be shown as text.
        assert quotation_markers(body, html=True) == ({2}, {1})


# The XML filter ------------------------------------------------------------


def test_xml_safe_removes_what_xml_cannot_carry():
    text = "a\x00b\x08c\x0bd\x0ce\x0ef\x1fg\x7fh\ud800i\udfffj\ufffek\uffffl"
    assert xml_safe(text) == "abcdefghijkl"


def test_xml_safe_keeps_everything_else():
    text = "tab\there, newline\nthere, «é» \xa0 \x85 \U0001f5f3 \ufffd"
    assert xml_safe(text) == text
    assert xml_safe("one\r\ntwo\rthree") == "one\ntwo\nthree"
    assert xml_safe(None) == ""
    assert xml_safe("") == ""


def test_every_user_of_the_filter_uses_markup():
    from comments import captcha, forms
    from comments import feeds as comment_feeds
    from posts import feeds as post_feeds
    from wordpress import importer

    for module in (captcha, forms, post_feeds, importer):
        assert module.xml_safe is xml_safe, module.__name__
    for feed in (comment_feeds.LatestCommentsFeed, comment_feeds.ArticleCommentsFeed):
        assert feed.feed_type is post_feeds.SafeRssFeed


def test_captcha_token_loses_control_characters_as_before():
    from comments.captcha import CommentCaptchaField

    field = CommentCaptchaField()
    assert field.to_python("tok\x00en\x7f") == "token"
    assert field.to_python(None) == ""


@pytest.mark.django_db
def test_feeds_stay_xml_with_control_characters_in_titles(client):
    article = ArticleFactory(
        title="Bell\x07 and\x0b vertical\x7f tab", dek="Form\x0cfeed", body="Body\x1b text."
    )
    comment = CommentFactory(article=article, author_name="Esc\x1b", body="Old text")
    # Stored before the form dropped such characters (or imported): feeds filter them.
    type(comment).objects.filter(pk=comment.pk).update(body_html="<p>Old\x02 text</p>")
    for url in ("/feed/", "/feed/atom/", "/feed/comments/", f"{article.get_absolute_url()}feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
        text = ET.tostring(root, encoding="unicode")
        for character in "\x07\x0b\x7f\x0c\x1b\x02":
            assert character not in text, (url, character)
    rss = client.get("/feed/").content.decode()
    assert "Bell and vertical tab" in rss


# The WordPress importer ----------------------------------------------------


def test_comment_batches_only_hold_text_the_filter_leaves_alone():
    """C1 controls and noncharacters pass the filter and batch; what it removes goes alone."""
    from wordpress.importer import CommentRenderer

    bodies = [
        "plain words",
        "a \x85 next line and \x9f",
        "nonchar \ufdd0 and \U0001fffe",
        "bell \x07 rings",
        "carriage\rreturn",
        "last one, www.example.com",
    ]
    renderer = CommentRenderer()
    assert renderer(bodies) == [sanitize_comment(body) for body in bodies]
    assert renderer.batching


@pytest.mark.django_db
def test_reimport_turns_old_text_bodies_into_html_once(settings):
    from django.utils import timezone

    settings.TIME_ZONE = "America/New_York"
    timezone.deactivate()
    export = ROOT / "tests" / "fixtures" / "wordpress" / "small.xml"

    def run():
        out = io.StringIO()
        call_command("import_wordpress", str(export), stdout=out)
        return out.getvalue()

    run()
    articles = Article.objects.all()
    assert {a.body_format for a in articles} == {Article.BodyFormat.HTML}
    # As an import made before bodies had a format left them: text.
    Article.objects.filter(wordpress_id=101).update(body_format=Article.BodyFormat.TEXT)
    out = run()
    assert "Articles: 0 imported, 1 updated, 7 unchanged" in out
    article = Article.objects.get(wordpress_id=101)
    assert article.body_format == Article.BodyFormat.HTML
    assert article.body_html == article.body
    assert "Articles: 0 imported, 0 updated, 8 unchanged" in run()
