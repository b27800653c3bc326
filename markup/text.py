"""
Plain text rules: blank lines into paragraphs, and characters XML cannot carry out.

Neither function knows about HTML safety: ``paragraphs`` adds ``<p>`` and
``<br>`` and leaves everything else to ``markup.html.clean``.
"""

import re
from collections.abc import Collection
from functools import lru_cache

# Block-level tags: a block of text starting with one is not wrapped in a paragraph.
BLOCK_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure",
        "figcaption", "hr", "pre", "table", "thead", "tbody", "tr", "td", "th", "div",
        "section", "article", "aside", "header", "footer", "address", "dl", "dt", "dd",
    }
)  # fmt: skip

_BLANK_LINES = re.compile(r"\n\s*\n")
_LINE_ENDINGS = re.compile(r"\r\n?")
# What XML 1.0 cannot carry (outside its Char production): C0 controls other
# than tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF.
# DEL is allowed but invisible, and nobody means to type it: it goes too.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@lru_cache
def _block_start(blocks: frozenset[str], end_tags: bool) -> re.Pattern[str]:
    names = "|".join(sorted(map(re.escape, blocks), key=len, reverse=True))
    slash = "/?" if end_tags else ""
    return re.compile(rf"^\s*<{slash}(?:{names})\b", re.IGNORECASE)


def paragraphs(
    text: str,
    *,
    blocks: Collection[str] = BLOCK_TAGS,
    end_tags: bool = True,
    separator: str = "\n\n",
) -> str:
    """
    Plain text to paragraphs, as WordPress does: line endings become "\\n";
    blocks separated by blank lines (a line of only whitespace counts as
    blank) are stripped and each wrapped in ``<p>``, its single newlines
    becoming ``<br>\\n``; a block that starts with one of ``blocks`` (``<tag``,
    or ``</tag`` too when ``end_tags``) is left as it is. Blocks are joined
    with ``separator``; empty text gives "".
    """
    text = _LINE_ENDINGS.sub("\n", text).strip()
    if not text:
        return ""
    block_start = _block_start(frozenset(blocks), end_tags)
    out = []
    for block in _BLANK_LINES.split(text):
        block = block.strip()
        if not block:
            continue
        if block_start.match(block):
            out.append(block)
        else:
            out.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    return separator.join(out)


def xml_safe(text: str | None) -> str:
    """
    ``text`` as XML 1.0 can carry it: line endings become "\\n" (what an XML
    parser does anyway), and C0 control characters other than tab and newline,
    DEL, lone surrogates, U+FFFE and U+FFFF are removed. None gives "".
    """
    return _NOT_XML.sub("", _LINE_ENDINGS.sub("\n", text or ""))
