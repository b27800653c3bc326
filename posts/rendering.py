"""
Turn an editor's article body into safe HTML.

Editors type paragraphs separated by blank lines, as in WordPress, or HTML.
``autop`` wraps loose text in ``<p>`` the way WordPress's ``wpautop`` does for
ordinary prose; ``sanitize_body`` then keeps only an allow-list of tags,
attributes and URL schemes. ``render_body`` does both and is what
``Article.save`` stores in ``body_html``.
"""

import re

import bleach
from bleach.css_sanitizer import CSSSanitizer
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "em", "strong", "i", "b", "u", "s", "sub", "sup",
        "code", "pre", "a", "ul", "ol", "li", "blockquote", "figure", "figcaption", "img",
        "hr", "cite", "q", "abbr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "img": ["src", "alt", "width", "height", "title"],
    "abbr": ["title"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Block-level tags: text next to them is not wrapped in a paragraph.
BLOCK_TAGS = (
    "p|h[1-6]|ul|ol|li|blockquote|figure|figcaption|hr|pre|table|thead|tbody|tr|td|th|div"
    "|section|article|aside|header|footer|address|dl|dt|dd"
)
_BLOCK_START = re.compile(rf"^\s*</?(?:{BLOCK_TAGS})\b", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n")
# Elements whose content is code, never prose: dropped whole when closed. An
# opening tag never closed is shown as text, so the words after it stay.
_CODE_ELEMENTS = (
    r"(script|style|iframe|object|embed|noscript|template|title|textarea|xmp|noembed"
    r"|noframes|svg|math)\b"
)
_DROP_WITH_CONTENT = re.compile(rf"<{_CODE_ELEMENTS}.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_UNCLOSED_CODE_ELEMENT = re.compile(rf"<(?={_CODE_ELEMENTS})", re.IGNORECASE)


def autop(text: str) -> str:
    """
    Wrap each blank-line-separated block in <p>, with single newlines as <br>,
    unless the block already starts with a block-level tag.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    blocks = []
    for block in _BLANK_LINES.split(text):
        block = block.strip()
        if not block:
            continue
        if _BLOCK_START.match(block):
            blocks.append(block)
        else:
            blocks.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(blocks)


def sanitize_body(html: str) -> str:
    """Keep only allowed markup; scripts, styles and their contents are removed."""
    html = _DROP_WITH_CONTENT.sub("", html)
    html = _UNCLOSED_CODE_ELEMENT.sub("&lt;", html)
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        css_sanitizer=CSSSanitizer(allowed_css_properties=[]),
    )


def render_body(text: str) -> str:
    """Source text to the sanitized HTML stored beside it."""
    return sanitize_body(autop(text))


# A quotation marker alone in its paragraph, as autop and bleach leave it.
QUOTATION_MARKER = re.compile(r"<p>\s*\[quote\s+(\d+)\]\s*</p>", re.IGNORECASE)


_ANY_MARKER = re.compile(r"\[quote\s+(\d+)\]", re.IGNORECASE)


def quotation_markers(text: str) -> tuple[set[int], set[int]]:
    """
    The quotation numbers an editor's body places: ``(placed, misplaced)``,
    where misplaced markers are not on a line of their own and would be shown
    as text.
    """
    every = {int(order) for order in _ANY_MARKER.findall(text)}
    placed = {int(order) for order in QUOTATION_MARKER.findall(render_body(text))}
    return placed, every - placed


def place_quotations(body_html: str, quotations) -> tuple[str, list]:
    """
    Put each quotation where the body has its marker ``[quote N]`` (N being
    its order), rendered by posts/quotation.html. Returns the body as safe HTML
    and the quotations not placed, in order. Markers naming no quotation, and
    repeats of a placed one, are dropped.
    """
    by_order = {quotation.order: quotation for quotation in quotations}
    placed = set()

    def replace(match: re.Match) -> str:
        order = int(match.group(1))
        quotation = by_order.get(order)
        if quotation is None or order in placed:
            return ""
        placed.add(order)
        return render_to_string("posts/quotation.html", {"quotation": quotation}).strip()

    html = QUOTATION_MARKER.sub(replace, body_html)
    unplaced = [q for order, q in sorted(by_order.items()) if order not in placed]
    return mark_safe(html), unplaced  # noqa: S308 - sanitized body, escaped template.
