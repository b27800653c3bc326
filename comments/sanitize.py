"""
Turn a reader's comment into safe HTML.

A comment is plain text: blank lines separate paragraphs, single newlines
become line breaks, bare web addresses become links. A small allow-list of
tags is kept (a, em, strong, code, blockquote, p, br); everything else is
stripped, the contents of closed script-like elements with it (an unclosed one
is shown as text, so the words after it stay visible). Links keep only
http, https and mailto addresses and always carry rel="nofollow ugc noopener".
"""

import re
import threading
from functools import partial

import bleach
from bleach.linkifier import TLDS, LinkifyFilter

ALLOWED_TAGS = frozenset({"a", "em", "strong", "code", "blockquote", "p", "br"})
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Elements whose content is code or markup, never prose: dropped whole when
# closed. An opening tag that is never closed ("I hate <script> tags") is
# shown as text instead, so that the words after it are not lost.
_CODE_ELEMENTS = (
    r"(script|style|iframe|object|embed|noscript|template|title|textarea|xmp|noembed"
    r"|noframes|svg|math)\b"
)
_DROP_WITH_CONTENT = re.compile(rf"<{_CODE_ELEMENTS}.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_UNCLOSED_CODE_ELEMENT = re.compile(rf"<(?={_CODE_ELEMENTS})", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
# Characters that XML 1.0 (feeds) cannot carry and no reader means to type:
# C0 controls other than tab and newline, DEL, lone surrogates, U+FFFE/U+FFFF.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_STARTS_WITH_BLOCK = re.compile(r"^\s*<(?:p|blockquote)\b", re.IGNORECASE)


def _set_rel(attrs, new=False):
    """Linkify callback: every link gets our rel; one without an absolute safe href is unlinked."""
    href = attrs.get((None, "href"), "")
    if not href.lower().startswith(("http://", "https://", "mailto:")):
        return None  # relative or odd addresses are not links in a comment
    attrs[(None, "rel")] = LINK_REL
    return attrs


# Addresses typed with http:// or https:// are linked whatever their top-level
# domain; bare ones (www.example.com) only with a well-known top-level domain,
# so that "file.txt" or "Mr.Smith" stay text.
_URL_RE = re.compile(
    r"""\(*\b(?<![@.])
    (?:
        https?://(?:[\w-]+\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{2,59}})
      | (?:[\w-]+\.)+(?:{tlds})
    )
    (?::[0-9]+)?(?!\.\w)\b
    (?:[/?][^\s{{}}|\\^`<>"]*)?
    """.format(tlds="|".join(sorted(TLDS, reverse=True))),
    re.IGNORECASE | re.VERBOSE | re.UNICODE,
)
# Cleaning and linking in one pass: linking the cleaned HTML again would
# escape "&" a second time inside <code>. A Cleaner's parser keeps state
# between calls, so each thread (gunicorn's gthread workers) has its own.
_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[
                partial(
                    LinkifyFilter,
                    url_re=_URL_RE,
                    callbacks=[_set_rel],
                    skip_tags={"code"},
                    parse_email=False,
                )
            ],
        )
    return cleaner


def strip_control_characters(text: str) -> str:
    """Remove invisible control characters; carriage returns become newlines."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("", text)


def _paragraphs(text: str) -> str:
    blocks = []
    for block in _BLANK_LINES.split(text):
        block = block.strip("\n")
        if not block.strip():
            continue
        if _STARTS_WITH_BLOCK.match(block):
            blocks.append(block)
        else:
            blocks.append("<p>" + block.strip().replace("\n", "<br>\n") + "</p>")
    return "\n".join(blocks)


def sanitize_comment(text: str) -> str:
    """Return the safe HTML shown for a comment's plain text (see the module docstring)."""
    text = strip_control_characters(text)
    text = _DROP_WITH_CONTENT.sub("", text)
    text = _UNCLOSED_CODE_ELEMENT.sub("&lt;", text)
    return _cleaner().clean(_paragraphs(text))
