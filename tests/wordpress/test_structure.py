"""
WordPress content keeps its structure (issue 16, part 1): tables, headings,
media as linked figures, reusable blocks, footnotes, social links, and a
report naming what could not come across. tests/fixtures/wordpress/structure.xml
is ours; the two real exports in ../shared are read when present.
"""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from posts.models import Article
from wordpress.content import (
    content_notes,
    convert_content,
    footnotes_to_notes,
    media_to_links,
)
from wordpress.importer import article_body

FIXTURES = Path(__file__).parents[1] / "fixtures" / "wordpress"
STRUCTURE = FIXTURES / "structure.xml"
SHARED = Path(settings.BASE_DIR).parent / "shared" / "fixtures"
THEME_UNIT_TEST = SHARED / "wordpress-theme-unit-test.xml"
MEDIA_SITE = SHARED / "wordpress-media-site.xml"


def body_of(content: str, **options) -> str:
    """What an imported article stores for this WordPress content."""
    return article_body(convert_content(content, **options).html)


def run_import(path: Path) -> str:
    out = io.StringIO()
    call_command("import_wordpress", str(path), stdout=out)
    return out.getvalue()


# Conversion, one case at a time -------------------------------------------


def test_table_keeps_spans_caption_and_sections():
    body = body_of(
        '<!-- wp:table -->\n<figure class="wp-block-table"><table><caption>Votes</caption>'
        '<thead><tr><th colspan="2">Ward</th></tr></thead><tbody><tr><td rowspan="2">N</td>'
        "<td>1</td></tr><tr><td>2</td></tr></tbody><tfoot><tr><td>All</td><td>3</td></tr>"
        "</tfoot></table></figure>\n<!-- /wp:table -->"
    )
    assert body == (
        '<figure><table><caption>Votes</caption><thead><tr><th colspan="2">Ward</th></tr>'
        '</thead><tbody><tr><td rowspan="2">N</td><td>1</td></tr><tr><td>2</td></tr></tbody>'
        "<tfoot><tr><td>All</td><td>3</td></tr></tfoot></table></figure>"
    )


def test_headings_fit_under_the_article_title():
    body = body_of("<h1>One</h1>\n<h2>Two</h2>\n<h5 class='x'>Five</h5>\n<h6>Six</h6>")
    assert body == "<h2>One</h2>\n<h2>Two</h2>\n<h4>Five</h4>\n<h4>Six</h4>"


def test_address_keeps_its_lines():
    body = body_of("<address>The Desk\n1 Example Street</address>\n\nAfter.")
    assert body == "<p>The Desk<br>\n1 Example Street</p>\n<p>After.</p>"


def test_corrections_and_marks_are_kept():
    body = body_of("<!-- wp:paragraph --><p><del>wrong</del> <ins>right</ins> <mark>m</mark></p>")
    assert body == "<p><del>wrong</del> <ins>right</ins> <mark>m</mark></p>"


@pytest.mark.parametrize(
    ("html", "url"),
    [
        (
            '<video controls src="https://v.example.net/a.mp4"></video>',
            "https://v.example.net/a.mp4",
        ),
        (
            '<video controls><source src="https://v.example.net/b.webm" type="video/webm"></video>',
            "https://v.example.net/b.webm",
        ),
        (
            '<audio controls src="https://v.example.net/c.mp3"></audio>',
            "https://v.example.net/c.mp3",
        ),
        ('<iframe src="//www.youtube.com/embed/d"></iframe>', "https://www.youtube.com/embed/d"),
        ('<embed src="http://v.example.net/e.swf" type="x">', "http://v.example.net/e.swf"),
        (
            '<object data="https://v.example.net/f.swf"><embed src="https://v.example.net/g"></object>',
            "https://v.example.net/f.swf",
        ),
        (
            '<object><param name="movie" value="https://v.example.net/h.swf"></object>',
            "https://v.example.net/h.swf",
        ),
    ],
)
def test_players_become_a_figure_linking_to_the_source(html, url):
    assert body_of(html) == f'<figure><a href="{url}">{url}</a></figure>'


def test_video_block_keeps_its_caption_beside_the_link():
    body = body_of(
        '<!-- wp:video -->\n<figure class="wp-block-video"><video controls '
        'src="https://v.example.net/t.mp4"></video><figcaption class="wp-element-caption">'
        "One tide</figcaption></figure>\n<!-- /wp:video -->"
    )
    assert body == (
        '<figure><a href="https://v.example.net/t.mp4">https://v.example.net/t.mp4</a>'
        "<figcaption>One tide</figcaption></figure>"
    )


def test_media_without_a_web_address_is_counted_not_invented():
    missing = __import__("collections").Counter()
    html = '<video controls></video><iframe src="javascript:alert(1)"></iframe>'
    assert media_to_links(html, missing) == html
    assert missing == {"video": 1, "iframe": 1}
    assert "javascript" not in body_of(html)


def test_embed_address_is_escaped_once():
    body = body_of(
        '<!-- wp:embed {"url":"https://www.instagram.com/p/x/?igshid=a\\u0026b=c"} -->\n'
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
        "https://www.instagram.com/p/x/?igshid=a&amp;b=c\n</div></figure>\n<!-- /wp:embed -->"
    )
    assert "&amp;amp;" not in body
    assert 'href="https://www.instagram.com/p/x/?igshid=a&amp;b=c"' in body


def test_embed_block_with_its_address_only_in_its_attributes():
    body = body_of('<!-- wp:core-embed/vimeo {"url":"https://vimeo.com/1"} /-->\n<p>After</p>')
    assert (
        body
        == '<figure><a href="https://vimeo.com/1">https://vimeo.com/1</a></figure>\n<p>After</p>'
    )


def test_media_shortcodes_become_linked_figures():
    body = body_of(
        '[audio https://a.example.net/s.mp3]\n\n[video mp4="https://a.example.net/v.mp4"][/video]'
        "\n\n[embed]https://a.example.net/e[/embed]"
    )
    assert body.count("<figure>") == 3
    for url in (
        "https://a.example.net/s.mp3",
        "https://a.example.net/v.mp4",
        "https://a.example.net/e",
    ):
        assert f'<a href="{url}">{url}</a>' in body
    assert convert_content("[audio https://a.example.net/s.mp3]").shortcodes == {}


def test_reusable_blocks_are_placed_nested_and_missing_ones_named():
    blocks = {
        1: '<!-- wp:paragraph --><p>Outer</p><!-- /wp:paragraph --><!-- wp:block {"ref":2} /-->',
        2: "<p>Inner</p>",
        3: '<!-- wp:block {"ref":3} /-->',  # places itself: stops
    }
    converted = convert_content(
        '<!-- wp:block {"ref":1} /--><!-- wp:block {"ref":9} /--><!-- wp:block {"ref":3} /-->',
        reusable=blocks,
    )
    assert converted.html == "<p>Outer</p><p>Inner</p>"
    assert converted.missing_blocks == [9, 3]


FOOTNOTES = '[{"content":"First <em>note</em>.","id":"aa-1"},{"content":"Second.","id":"bb-2"}]'


def test_footnotes_become_notes_with_anchors_both_ways():
    content = (
        '<!-- wp:paragraph --><p>Claim<sup data-fn="bb-2" class="fn"><a href="#bb-2" '
        'id="bb-2-link">1</a></sup> and another<sup data-fn="aa-1" class="fn"><a href="#aa-1" '
        'id="aa-1-link">2</a></sup>.</p><!-- /wp:paragraph -->\n<!-- wp:footnotes /-->\n<p>End</p>'
    )
    body = body_of(content, footnotes=FOOTNOTES)
    # Numbered in reading order, the list where the footnotes block stood.
    assert body == (
        '<p>Claim<sup><a href="#fn-bb-2" id="fnref-bb-2">1</a></sup> and another<sup>'
        '<a href="#fn-aa-1" id="fnref-aa-1">2</a></sup>.</p>\n'
        '<ol><li id="fn-bb-2">Second. <a href="#fnref-bb-2">↩</a></li>'
        '<li id="fn-aa-1">First <em>note</em>. <a href="#fnref-aa-1">↩</a></li></ol>\n'
        "<p>End</p>"
    )
    for anchor in re.findall(r'href="#([^"]+)"', body):
        assert f'id="{anchor}"' in body


def test_footnotes_without_their_block_go_at_the_end_and_broken_meta_is_harmless():
    content = '<p>A<sup data-fn="aa-1"><a href="#aa-1">1</a></sup></p>'
    assert footnotes_to_notes(content, FOOTNOTES).endswith(
        '<ol><li id="fn-aa-1">First <em>note</em>. <a href="#fnref-aa-1">↩</a></li></ol>\n'
    )
    assert footnotes_to_notes(content, "{not json") == "<p>A</p>"


def test_social_links_rendered_from_their_addresses():
    body = body_of(
        '<!-- wp:social-links --><ul class="wp-block-social-links">'
        '<!-- wp:social-link {"url":"https://github.com/ex","service":"github"} /-->'
        '<!-- wp:social-link {"url":"https://x.example/ex","service":"x","label":"Our feed"} /-->'
        '<!-- wp:social-link {"url":"mailto:desk@ex.example","service":"mail"} /-->'
        "</ul><!-- /wp:social-links -->"
    )
    assert body == (
        '<ul><li><a href="https://github.com/ex">GitHub</a></li>'
        '<li><a href="https://x.example/ex">Our feed</a></li></ul>'
    )


def test_display_time_blocks_and_empty_social_links_are_named():
    converted = convert_content(
        '<!-- wp:latest-posts {"postsToShow":3} /--><!-- wp:calendar /--><!-- wp:calendar /-->'
        '<!-- wp:social-links --><ul><!-- wp:social-link {"url":"#","service":"x"} /--></ul>'
        "<!-- /wp:social-links --><p>Text</p>"
    )
    assert converted.html == "<p>Text</p>"
    assert converted.display_blocks == {"latest-posts": 1, "calendar": 2, "social-links": 1}
    assert content_notes(converted, converted.html) == [
        "blocks WordPress draws when it shows the page, left out: calendar ×2, "
        "latest-posts, social-links"
    ]


def test_dropped_elements_are_named_in_the_notes():
    html = "<div><form><input><input/><p>Kept <font>text</font></p></form><script>x</script></div>"
    converted = convert_content(html)
    assert content_notes(converted, html) == [
        "elements the article allow-list drops (text kept): font, form, input ×2, script"
    ]


# The fixture through the command -------------------------------------------


@pytest.fixture
def structure_report(db, settings):
    settings.TIME_ZONE = "UTC"
    timezone.deactivate()
    return run_import(STRUCTURE)


def test_structure_fixture_imports_every_block(structure_report):
    body = Article.objects.get(wordpress_id=301).body_html
    assert "<h2>A first-level heading</h2>" in body and "<h1" not in body
    assert "<h4>A fifth-level heading</h4>" in body and "<h4>A sixth-level heading</h4>" in body
    assert '<th colspan="2">Turnout</th>' in body and '<td rowspan="2">North</td>' in body
    assert "<tfoot>" in body and "<figcaption>Turnout by ward</figcaption>" in body
    assert "<del>wrong</del> <ins>corrected</ins>" in body and "<mark>marked</mark>" in body
    assert (
        '<figure><a href="https://media.example.net/rally.mp4">https://media.example.net/rally.mp4'
        "</a><figcaption>The rally, filmed from the steps.</figcaption></figure>"
    ) in body
    assert '<a href="https://media.example.net/speech.mp3">' in body
    assert 'href="https://www.instagram.com/p/Cx1/?igshid=abc&amp;utm_source=ig"' in body
    assert '<a href="https://www.youtube.com/watch?v=old1">' in body
    assert '<a href="https://www.youtube.com/embed/xyz?start=5&amp;rel=0">' in body
    assert "&amp;amp;" not in body
    # The reusable block comes after the post in the file: placed all the same.
    assert "<p>Support our reporting: <strong>every gift counts</strong>.</p>" in body
    assert '<li><a href="https://mastodon.example.social/@structure">Mastodon</a></li>' in body
    assert '<li><a href="https://github.com/structure-example">Our code</a></li>' in body
    assert "desk@structure.example.org" not in body
    assert body.count('<sup><a href="#fn-') == 2
    assert '<li id="fn-5c1d-note-a">Counted by the <em>county</em> clerk.' in body
    assert "<form" not in body and "<input" not in body

    classic = Article.objects.get(wordpress_id=302).body_html
    assert "<h2>Classic heading</h2>" in classic and "<h4>Small print</h4>" in classic
    assert '<figure><a href="https://player.example.net/embed/42">' in classic
    assert '<figure><a href="https://media.example.net/clip.mp4">' in classic
    assert "<p>Structure Desk<br>\n1 Example Street<br>\nSpringfield</p>" in classic


def test_structure_fixture_report_names_what_did_not_come(structure_report):
    assert (
        "post 301 “Every block”: blocks WordPress draws when it shows the page, left out: "
        "calendar, latest-posts; elements the article allow-list drops (text kept): "
        "form, input ×2"
    ) in structure_report
    assert "skipped 1: reusable blocks: placed in the posts that use them" in structure_report
    assert "reusable blocks not in the export" not in structure_report
    assert "post 302" not in structure_report.split("Content not carried over")[1]


def test_structure_fixture_again_changes_nothing(structure_report):
    again = run_import(STRUCTURE)
    assert "Articles: 0 imported, 0 updated, 2 unchanged" in again


# The real exports ----------------------------------------------------------

needs_theme_unit_test = pytest.mark.skipif(
    not THEME_UNIT_TEST.is_file(),
    reason=f"the real WordPress export {THEME_UNIT_TEST} is missing (../shared beside the project)",
)
needs_media_site = pytest.mark.skipif(
    not MEDIA_SITE.is_file(),
    reason=f"the real WordPress export {MEDIA_SITE} is missing (../shared beside the project)",
)


@pytest.mark.shared
@needs_theme_unit_test
def test_theme_unit_test_keeps_tables_media_and_names_display_blocks(db, settings):
    settings.TIME_ZONE = "America/New_York"
    timezone.deactivate()
    report = run_import(THEME_UNIT_TEST)
    bodies = dict(Article.objects.values_list("wordpress_id", "body_html"))
    assert not [post for post, body in bodies.items() if "&amp;amp;" in body]
    assert not [post for post, body in bodies.items() if re.search(r"<figure>\s*<figcaption", body)]
    assert not [post for post, body in bodies.items() if re.search(r"<h[156]\b", body)]
    tables = [body for body in bodies.values() if "<table>" in body]
    assert tables and all("<td" in table for table in tables)
    assert not [body for body in bodies.values() if "Cell 1Cell 2" in strip(body)]
    # Every player of the file is a link to its source now.
    assert any('<a href="https://youtu.be/ex8fMxXJDJw">' in body for body in bodies.values())
    assert any(
        '<a href="https://upload.wikimedia.org/wikipedia/commons/d/dd/Armstrong_Small_Step.ogg">'
        in body
        for body in bodies.values()
    )
    assert "“Block category: Widgets”: blocks WordPress draws when it shows the page" in report
    assert re.search(r"“WP 6.1 Widgets block category”: [^\n]*social-links ×3", report)
    assert "“Markup: HTML Tags and Formatting”: elements the article allow-list drops" in report


def strip(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.shared
@needs_media_site
def test_media_site_reusable_block_embed_and_video(db, settings):
    settings.TIME_ZONE = "Europe/London"
    timezone.deactivate()
    run_import(MEDIA_SITE)
    bodies = dict(Article.objects.values_list("title", "body_html"))
    appeal = bodies["Why we are asking readers to chip in"]
    assert "wp:block" not in appeal
    # The reusable block "Support the Review" (wp_block 17), placed where the post has it.
    assert "costs about £900 a month to make. If you can, chip in.</p>" in appeal
    film = next(body for title, body in bodies.items() if "youtube.com" in body)
    assert '<a href="https://www.youtube.com/watch?v=aqz-KE-bpKQ">' in film
    assert "<figcaption>Big Buck Bunny (Blender Institute, 2008), CC BY 3.0.</figcaption>" in film
    video = "/wp-content/uploads/2026/05/harbour-timelapse-one-tide.mp4"
    assert re.search(rf'<figure><a href="[^"]*{re.escape(video)}">', film)
    assert "<figcaption>One tide in the inner harbour, 12 hours in 90 seconds.</figcaption>" in film
    tables = [body for body in bodies.values() if "<table>" in body]
    assert tables and all("<th" in table or "<td" in table for table in tables)
