"""Comment text is stored sanitized and rendered inert; links are tamed."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from comments.models import Comment, DiscussionSettings
from comments.sanitize import sanitize_comment
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="https://ok.example" onmouseover="alert(1)">hover</a>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<strong onclick="alert(1)">bold</strong>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<<a href="javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<blockquote cite="javascript:alert(1)">quoted</blockquote>',
    '<object data="javascript:alert(1)"></object>',
    '"><img src=x onerror=alert(1)>',
]


def assert_inert(html):
    lowered = html.lower()
    assert "<script" not in lowered
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered), html
    assert "javascript:" not in lowered.replace("&amp;", "&") or "href" not in lowered
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("http://", "https://", "mailto:")), href
    for tag in re.findall(r"<\s*([a-z0-9]+)", lowered):
        assert tag in {"a", "em", "strong", "code", "blockquote", "p", "br"}, tag
    assert "style=" not in lowered
    assert "cite=" not in lowered


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_sanitized(payload):
    assert_inert(sanitize_comment(payload))


def test_allowed_tags_kept():
    html = sanitize_comment(
        "<em>a</em> <strong>b</strong> <code>c</code>\n\n<blockquote>quoted</blockquote>"
    )
    assert "<em>a</em>" in html
    assert "<strong>b</strong>" in html
    assert "<code>c</code>" in html
    assert "<blockquote>quoted</blockquote>" in html


def test_paragraphs_from_blank_lines_and_line_breaks():
    assert sanitize_comment("one\ntwo\n\nthree") == "<p>one<br>\ntwo</p>\n<p>three</p>"


def test_bare_urls_linked_with_rel():
    html = sanitize_comment("Read https://www.politico.com/story and www.nytimes.com too")
    assert (
        '<a href="https://www.politico.com/story" rel="nofollow ugc noopener">'
        "https://www.politico.com/story</a>"
    ) in html
    assert '<a href="http://www.nytimes.com" rel="nofollow ugc noopener">' in html


def test_every_link_gets_rel_even_typed_ones_with_their_own_rel():
    html = sanitize_comment('<a href="https://x.example" rel="follow" target="_blank">x</a>')
    assert html == '<p><a href="https://x.example" rel="nofollow ugc noopener">x</a></p>'


def test_mailto_kept_other_schemes_dropped():
    assert 'href="mailto:a@example.org"' in sanitize_comment('<a href="mailto:a@example.org">m</a>')
    assert "href" not in sanitize_comment('<a href="ftp://files.example/x">f</a>')


def test_plain_text_angle_brackets_are_text():
    assert sanitize_comment("x < y && y > z") == "<p>x &lt; y &amp;&amp; y &gt; z</p>"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("I hate <script> tags; they break my page.", "&lt;script&gt; tags; they break my page."),
        ("<svg onload=alert(1) and the rest of my point", "&lt;svg onload=alert(1) and the rest"),
        ("Use <STYLE> sparingly.\n\nSecond paragraph.", "<p>Second paragraph.</p>"),
    ],
)
def test_unclosed_code_element_is_text_and_the_words_after_it_stay(text, shown):
    html = sanitize_comment(text)
    assert shown in html
    assert_inert(html)
    assert sanitize_comment(html) == html


def test_closed_code_element_is_dropped_with_its_content():
    assert sanitize_comment("before <script>alert(1)</script> after") == "<p>before  after</p>"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_posted_payload_stored_sanitized_and_rendered_inert(client, fake_google, payload):
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    article = ArticleFactory()
    text = f"Before {payload} after"
    response = client.post(
        f"/comments/post/{article.pk}/",
        comment_data(article, comment=text, author=f"Name {payload}"[:100]),
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == text  # the reader's words are kept as typed
    assert_inert(comment.body_html)
    page = client.get(article.get_absolute_url()).content.decode()
    section = page.split('id="comments"', 1)[1].split('id="respond-home"', 1)[0]
    item = section.split(f'id="comment-{comment.pk}"', 1)[1]
    content = item.split('<div class="comment-content">', 1)[1].split("</div>", 1)[0]
    assert_inert(content)
    # The name is escaped text: no markup from it reaches the page.
    author = item.split('<b class="comment-author">', 1)[1].split("</b>", 1)[0]
    assert "<" not in author.replace("&lt;", "")


@pytest.mark.django_db
def test_save_renders_body_html_from_body():
    comment = CommentFactory(body="<script>x</script>hello https://example.com", body_html="stale")
    comment.refresh_from_db()
    assert comment.body_html == (
        '<p>hello <a href="https://example.com" rel="nofollow ugc noopener">'
        "https://example.com</a></p>"
    )


@pytest.mark.django_db
def test_control_characters_dropped_from_form_and_feeds(client, fake_google):
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    article = ArticleFactory()
    data = comment_data(article, comment="Bell\x07 and\x0b tab\tok\x00", author="Ctrl\x01 Name")
    assert client.post(f"/comments/post/{article.pk}/", data).status_code == 302
    comment = Comment.objects.get()
    assert comment.body == "Bell and tab\tok"
    assert comment.author_name == "Ctrl Name"
    # Imported data may still hold them: feeds stay valid XML.
    CommentFactory(article=article, author_name="Imported\x02", body="Old\x1b text")
    for url in ("/feed/comments/", f"{article.get_absolute_url()}feed/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"\x02" not in response.content and b"\x1b" not in response.content


def test_rendered_comment_escapes_everything_from_the_reader():
    from datetime import UTC, datetime

    from comments.render import render_comment

    comment = Comment(
        pk=7,
        author_name='Eve "><img src=x onerror=alert(1)>',
        author_url='https://e.example/"onmouseover="alert(1)',
        body_html="<p>ok</p>",
        status=Comment.Status.APPROVED,
        submitted=datetime(2026, 1, 5, 15, 4, tzinfo=UTC),
    )
    html = render_comment(comment, depth=2, reply_link=True)
    assert "<img" not in html
    assert '"onmouseover' not in html
    assert 'data-author="Eve &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html
    assert 'href="https://e.example/&quot;onmouseover=&quot;alert(1)"' in html
    assert 'id="comment-7" class="comment depth-2"' in html
    assert "January 5, 2026 at 10:04 a.m." in html  # America/New_York
    assert 'datetime="2026-01-05T10:04:00-05:00"' in html


def test_code_keeps_ampersands_and_entities_escaped_once():
    html = sanitize_comment("Use <code>x && y &lt; z</code> & see http://example.com/?a=1&b=2")
    assert "<code>x &amp;&amp; y &lt; z</code>" in html
    assert '<a href="http://example.com/?a=1&amp;b=2" rel="nofollow ugc noopener">' in html
    assert sanitize_comment(html) == html


def test_sanitizing_in_many_threads_at_once_gives_each_text_its_own_html():
    """
    gunicorn's threaded workers sanitize several comments at once; bleach's
    parser keeps state, so a shared one mixed texts up or crashed (a 500).
    """
    texts = [
        f"Reader {n} writes:\n\n<b>Turnout</b> in www.example.com/{n} decided it. "
        + "<i>Suburbs</i> <p>and</p> <em>exurbs</em> </p></b> " * 40
        for n in range(16)
    ]
    expected = [sanitize_comment(text) for text in texts]

    def sanitize_all(offset):
        rotated = texts[offset:] + texts[:offset]
        return [sanitize_comment(text) for text in rotated * 3]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(sanitize_all, range(16)))
    for offset, result in enumerate(results):
        assert result == (expected[offset:] + expected[:offset]) * 3
