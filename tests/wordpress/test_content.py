"""WordPress content made ours: auto-paragraphs, blocks, captions, shortcodes, comments."""

import re
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comments.sanitize import sanitize_comment
from markup.html import ARTICLE, clean
from posts.rendering import render_body
from wordpress.content import convert_content, find_shortcodes, wpautop
from wordpress.importer import CommentRenderer, article_body

sanitize_body = partial(clean, policy=ARTICLE)
render_html_body = partial(render_body, html=True)  # what Article.save does with an HTML body


def test_wpautop_paragraphs_and_line_breaks():
    assert wpautop("One.\nStill one.\n\nTwo.") == "<p>One.<br />\nStill one.</p>\n<p>Two.</p>\n"


def test_wpautop_leaves_block_html_alone():
    text = "Intro.\n<ul>\n<li>first</li>\n<li>second</li>\n</ul>\nAfter."
    assert wpautop(text) == (
        "<p>Intro.</p>\n<ul>\n<li>first</li>\n<li>second</li>\n</ul>\n<p>After.</p>\n"
    )


def test_wpautop_puts_paragraphs_inside_blockquotes():
    assert wpautop("<blockquote>Said\nthis.</blockquote>") == (
        "<blockquote><p>Said<br />\nthis.</p></blockquote>\n"
    )


def test_wpautop_never_touches_pre():
    text = "<pre>a\n\nb</pre>\n\nAfter."
    assert wpautop(text) == "<pre>a\n\nb</pre>\n<p>After.</p>\n"


def test_wpautop_double_br_makes_a_paragraph():
    assert wpautop("One.<br><br>Two.") == "<p>One.</p>\n<p>Two.</p>\n"


def test_wpautop_keeps_newlines_inside_tags():
    assert wpautop('<a\nhref="https://x.example/">link</a> text') == (
        '<p><a\nhref="https://x.example/">link</a> text</p>\n'
    )


def test_empty_content():
    assert wpautop("  \n ") == ""
    assert convert_content("").html == ""
    assert article_body("") == ""


def test_caption_with_link_and_html_caption():
    converted = convert_content(
        '[caption id="attachment_9" align="aligncenter" width="640"]<a href="/big.jpg">'
        '<img src="/small.jpg" alt="Crowd" /></a> The crowd, <a href="/credit">credit</a>'
        "[/caption]"
    )
    assert converted.html == (
        '<figure><a href="/big.jpg"><img src="/small.jpg" alt="Crowd" /></a>'
        '<figcaption>The crowd, <a href="/credit">credit</a></figcaption></figure>'
    )
    assert not converted.shortcodes


def test_old_caption_attribute_and_wp_caption():
    converted = convert_content(
        '[wp_caption id="" align="alignleft" width="150" caption="A podium"]'
        '<img src="/p.jpg" alt="" />[/wp_caption]'
    )
    assert converted.html == (
        '<figure><img src="/p.jpg" alt="" /><figcaption>A podium</figcaption></figure>'
    )


def test_caption_without_text_is_a_bare_figure():
    converted = convert_content('[caption width="10"]<img src="/p.jpg" alt="" />[/caption]')
    assert converted.html == '<figure><img src="/p.jpg" alt="" /></figure>'


def test_address_alone_on_its_line_becomes_a_link_like_an_embed():
    classic = convert_content(
        "https://www.youtube.com/watch?v=abc&t=5\n\nSee https://example.org/x inline."
    )
    assert classic.html == (
        '<p><a href="https://www.youtube.com/watch?v=abc&amp;t=5">'
        "https://www.youtube.com/watch?v=abc&amp;t=5</a></p>\n"
        "<p>See https://example.org/x inline.</p>"
    )
    block = convert_content(
        '<!-- wp:embed {"url":"https://twitter.com/a/status/1"} -->\n'
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
        "https://twitter.com/a/status/1\n"
        "</div></figure>\n<!-- /wp:embed -->"
    )
    assert '<a href="https://twitter.com/a/status/1">https://twitter.com/a/status/1</a>' in (
        block.html
    )


def test_block_editor_posts_are_not_auto_paragraphed():
    content = (
        "<!-- wp:paragraph -->\n<p>One\nline.</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:columns {"columns":2} -->\n<div class="wp-block-columns">Loose text</div>\n'
        "<!-- /wp:columns -->\n<!-- wp:spacer /-->"
    )
    converted = convert_content(content)
    assert converted.had_blocks
    assert converted.html == ('<p>One\nline.</p>\n\n<div class="wp-block-columns">Loose text</div>')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[gallery ids="1,2"]', {"gallery": 1}),
        ("[embed]https://video.example/1[/embed]", {"embed": 1}),
        ("[youtube https://youtu.be/x] and [youtube https://youtu.be/y]", {"youtube": 2}),
        ('[contact-form to="x@example.org"]', {"contact-form": 1}),
        ("[myplugin]inside[/myplugin]", {"myplugin": 1}),
        ('[custom foo="bar"]', {"custom": 1}),
        ("[[gallery]] is how to write it", {}),
        ("He said [sic] and cited [1].", {}),
    ],
)
def test_shortcodes_found(text, expected):
    assert dict(find_shortcodes(text)) == expected


def test_article_body_is_the_sanitized_html_and_renders_to_itself():
    html = (
        '<p class="lead">Lead.</p>\n\n<div class="x">Loose text\nin a div</div>\n'
        "<pre>a\n\n\nb</pre>\n<p></p>"
    )
    body = article_body(html)
    # Sanitized (classes and the empty paragraph gone), no blank line, <pre> kept as it is.
    assert body == "<p>Lead.</p>\nLoose text\nin a div\n<pre>a\n\n\nb</pre>"
    assert render_html_body(body) == body
    assert render_body(body) != body  # as text, the <pre> would be split into paragraphs


def test_article_body_keeps_loose_text_as_it_is():
    body = article_body("Loose text\nin two lines <em>and</em> no block")
    assert body == "Loose text\nin two lines <em>and</em> no block"
    assert render_html_body(body) == body


blocks = st.lists(
    st.one_of(
        st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=40),
        st.sampled_from(
            [
                "<p>para</p>",
                "<em>x</em>",
                "<pre>a\n\nb</pre>",
                "<ul><li>i</li></ul>",
                "<script>bad()</script>",
                "<blockquote>q</blockquote>",
                "[caption]<img src='/a.png' alt='a'> cap[/caption]",
                "<figure><img src='/b.png' alt=''><figcaption>c</figcaption></figure>",
            ]
        ),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(blocks, st.sampled_from(["\n", "\n\n", " ", ""]))
def test_stored_body_always_renders_to_what_was_converted(parts, joiner):
    """Whatever the content, Article.save's rendering of the HTML body is the body itself."""
    html = convert_content(joiner.join(parts)).html
    body = article_body(html)
    assert "\n\n" not in re.sub(r"<pre>.*?</pre>", "<pre></pre>", body, flags=re.DOTALL)
    assert render_html_body(body) == sanitize_body(body) == body


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(
            st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
            max_size=60,
        ).map(lambda text: text.replace("\r", "")),
        min_size=3,
        max_size=12,
    )
)
def test_comment_renderer_gives_what_sanitize_comment_gives(bodies):
    bodies += [
        "\x08",  # dropped by the parser: sanitized alone
        "see https://example.org/page and www.example.com.",
        "a & b < c",
        "<strong>unclosed",
        "two\n\nparagraphs\nwith a break",
    ]
    renderer = CommentRenderer()
    assert renderer(bodies) == [sanitize_comment(body) for body in bodies]
    assert renderer.batching


def test_comment_renderer_falls_back_when_batching_would_differ(monkeypatch):
    from comments import sanitize

    def counting(text):  # a sanitizer whose result depends on the whole text
        return f"<p>{len(text)}</p>"

    monkeypatch.setattr(sanitize, "sanitize_comment", counting)
    renderer = CommentRenderer()
    bodies = ["one", "two two", "three three three", "four"]
    assert renderer(bodies) == ["<p>3</p>", "<p>7</p>", "<p>17</p>", "<p>4</p>"]
    assert not renderer.batching
