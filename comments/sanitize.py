"""
Turn a reader's comment into safe HTML, through the site's one text pipeline (``markup``).

A comment is plain text: characters XML cannot carry are dropped (feeds carry
comments), blank lines separate paragraphs, single newlines become line
breaks, bare web addresses become links. ``markup.html.COMMENT`` keeps a
small allow-list of tags (a, em, strong, code, blockquote, p, br) and strips
everything else, the contents of closed script-like elements with it (an
unclosed one is shown as text, so the words after it stay visible). Links
keep only http, https and mailto addresses and always carry
rel="nofollow ugc noopener".
"""

from markup.html import COMMENT, render_text
from markup.text import xml_safe


def sanitize_comment(text: str) -> str:
    """Return the safe HTML shown for a comment's plain text (see the module docstring)."""
    return render_text(xml_safe(text), COMMENT)
