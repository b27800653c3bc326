"""
The article allow-list (markup.html.ARTICLE), the one list the body editor, the
WordPress importer and every rendered body share: tables, edits and
highlights, definition lists, details, figures with images from the site only.
"""

import pytest

from markup.html import ARTICLE, clean, own_image_srcset, own_image_url
from wordpress.content import site_images_relative


@pytest.mark.parametrize(
    "html",
    [
        "<table><caption>Turnout by ward</caption><thead><tr><th>Ward</th>"
        '<th colspan="2">Turnout</th></tr></thead><tbody><tr><td rowspan="2">1</td>'
        "<td>61%</td><td>64%</td></tr></tbody></table>",
        "<p><del>was</del> <ins>is</ins> <mark>key</mark> H<sub>2</sub>O x<sup>2</sup></p>",
        "<dl><dt>Turnout</dt><dd>Who voted.</dd></dl>",
        "<details><summary>Method</summary><p>A panel of 2,000.</p></details>",
        '<p><cite>The Atlantic</cite> <abbr title="Get out the vote">GOTV</abbr></p>',
        '<figure><img src="/media/library/2026/12/a.png" srcset="/media/library/2026/12/'
        'a-400w.webp 400w, /media/library/2026/12/a.png 1600w" sizes="(max-width: 800px) '
        '100vw, 800px" alt="A crowd" width="1600" height="900"><figcaption>The rally — '
        "Photo: Ana Ruiz</figcaption></figure>",
        '<p><img src="/images/chart.png" alt="A chart"></p>',
        '<ol start="3"><li><p>three</p></li></ol><blockquote><p>q</p></blockquote><hr>',
    ],
)
def test_editor_markup_is_kept_exactly(html):
    assert clean(html, ARTICLE) == html


@pytest.mark.parametrize(
    ("html", "cleaned"),
    [
        (
            '<table style="width:9in" class="MsoTable"><tr><td width="80" style="x">a</td></tr>'
            "</table>",
            "<table><tbody><tr><td>a</td></tr></tbody></table>",
        ),  # fmt: skip
        ('<td colspan="2" onclick="alert(1)">a</td>', "a"),
        ('<th scope="col" colspan="2" onmouseover="alert(1)">a</th>', "a"),
        (
            '<details open ontoggle="alert(1)"><summary>s</summary></details>',
            "<details><summary>s</summary></details>",
        ),  # fmt: skip
        ('<mark style="background:red">m</mark>', "<mark>m</mark>"),
        ('<img src="https://tracker.example.com/p.gif" alt="x">', '<img alt="x">'),
        ('<img src="//evil.example/p.gif" alt="x">', '<img alt="x">'),
        ('<img src="/\\evil.example/p.gif" alt="x">', '<img alt="x">'),
        ('<img src="data:image/png;base64,AAAA" alt="x">', '<img alt="x">'),
        ('<img src="javascript:alert(1)" alt="x">', '<img alt="x">'),
        ('<img src="images/chart.png" alt="x">', '<img alt="x">'),
        (
            '<img src="/media/a.png" srcset="/media/a.png 1x, https://evil.example/b.png 2x">',
            '<img src="/media/a.png">',
        ),  # fmt: skip
        ('<img src="/media/a.png" onerror="alert(1)" loading="lazy">', '<img src="/media/a.png">'),
    ],
)
def test_what_is_not_on_the_list_is_removed(html, cleaned):
    assert clean(html, ARTICLE) == cleaned


def test_images_follow_the_media_url_read_at_each_call(settings):
    settings.MEDIA_URL = "https://media.example-cdn.com/strategist/"
    html = '<img src="https://media.example-cdn.com/strategist/library/a.png" alt="a">'
    assert clean(html, ARTICLE) == html
    settings.MEDIA_URL = "/media/"
    assert clean(html, ARTICLE) == '<img alt="a">'


@pytest.mark.parametrize(
    ("url", "own"),
    [
        ("/media/library/a.png", True),
        # Relative to the page: a different, wrong address on the article's page,
        # in the feed and in the admin's editor (where it loads an admin address).
        ("library/a.png", False),
        ("../media/a.png", False),
        ("x", False),
        ("/wp-content/uploads/2024/05/a.png", True),
        ("https://elsewhere.example/a.png", False),
        ("//elsewhere.example/a.png", False),
        ("/\\elsewhere.example/a.png", False),
        ("data:image/gif;base64,R0lGOD", False),
        ("", False),
        ("/media/a\x01.png", False),
    ],
)
def test_own_image_url(url, own):
    assert own_image_url(url) is own


def test_own_image_srcset_needs_every_candidate_own():
    assert own_image_srcset("/media/a-400w.webp 400w, /media/a.png 1600w")
    assert not own_image_srcset("/media/a-400w.webp 400w, https://evil.example/a.png 1600w")
    assert not own_image_srcset("/media/a.png 1x,")


def test_cleaning_clean_article_html_changes_nothing():
    html = (
        '<h2>A</h2><p>x <a href="https://example.org/">l</a></p><table><tbody><tr><td><p>c</p>'
        '</td></tr></tbody></table><figure><img src="/media/a.png" alt="a"></figure>'
    )
    assert clean(clean(html, ARTICLE), ARTICLE) == clean(html, ARTICLE) == html


def test_imported_images_of_the_site_itself_become_root_relative():
    content = (
        '<a href="https://strategist.example.org/wp-content/uploads/big.jpg">'
        '<img src="https://strategist.example.org/wp-content/uploads/small.jpg" '
        "srcset='http://strategist.example.org/wp-content/uploads/s-300.jpg 300w' alt=\"a\"></a>"
        '<img src="https://elsewhere.example/x.png" alt="b">'
    )
    assert site_images_relative(content, "https://strategist.example.org") == (
        '<a href="https://strategist.example.org/wp-content/uploads/big.jpg">'
        '<img src="/wp-content/uploads/small.jpg" '
        "srcset='/wp-content/uploads/s-300.jpg 300w' alt=\"a\"></a>"
        '<img src="https://elsewhere.example/x.png" alt="b">'
    )
    assert site_images_relative(content, "") == content
