"""
HTML cleaning with bleach: the only module of the site that imports it.

Two allow-lists, ``ARTICLE`` (an editor's body) and ``COMMENT`` (a reader's
text), are ``Policy`` objects. ``clean(html, policy)`` keeps only what the
policy allows; ``render_text(text, policy)`` first makes paragraphs of plain
text (``markup.text.paragraphs``, with the policy's rules) and then cleans.

Before bleach sees the markup, elements whose content is code (script, style,
svg...) are dropped with that content when they are closed; an opening tag
never closed ("I hate <script> tags") is shown as text, so that the words
after it stay. Links keep only http, https and mailto addresses; an article's
images only addresses on the site itself (``own_image_url``: the media URL or
a relative path), the same sources the Content-Security-Policy lets load.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from types import MappingProxyType
from urllib.parse import urlsplit

import bleach
from bleach.css_sanitizer import CSSSanitizer
from bleach.linkifier import TLDS, LinkifyFilter
from django.conf import settings

from markup.text import BLOCK_TAGS, paragraphs

SAFE_PROTOCOLS = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True, eq=False)
class Policy:
    """
    What survives cleaning, and how plain text under this policy becomes paragraphs.

    ``link_rel``: when set, bare web addresses become links and every link gets
    this rel (a link without an absolute http, https or mailto address loses its
    link). ``paragraph_*`` are the arguments of ``markup.text.paragraphs``.
    ``drop_code_first``: ``render_text`` drops code elements before making
    paragraphs (a text that was only a script gives "", not an empty paragraph);
    otherwise ``clean`` drops them after.
    """

    name: str
    tags: frozenset[str]
    attributes: Mapping[str, tuple[str, ...]]
    protocols: frozenset[str] = SAFE_PROTOCOLS
    link_rel: str | None = None
    paragraph_blocks: frozenset[str] = BLOCK_TAGS
    paragraph_end_tags: bool = True
    paragraph_separator: str = "\n\n"
    drop_code_first: bool = False
    css_sanitizer: CSSSanitizer | None = field(default=None, repr=False)
    value_checks: Mapping[str, Callable[[str], bool]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    """Attribute name -> check of its value: an allowed attribute failing it is removed."""


def own_image_url(url: str) -> bool:
    """
    True for an image address on the site itself: under ``settings.MEDIA_URL``
    (read at each call) or a root-relative path ("/wp-content/..."). A path relative
    to the page ("a.png", "../a.png") is refused: an article is shown at several
    addresses (its page, the feed, the editor in the admin) and it would name a
    different, wrong address at each. Other hosts, protocol-relative ("//host") and
    backslashed addresses, and any scheme (data:, http:...) are refused,
    except http(s) addresses on a host of ``settings.WORDPRESS_KEEP_REMOTE_IMAGES_FROM``
    (an old site whose images are explicitly kept where they are; also in the CSP's img-src).
    """
    url = url.strip()
    if not url or "\\" in url or any(ord(char) < 32 for char in url):
        return False
    if url.startswith(settings.MEDIA_URL):
        return True
    parts = urlsplit(url)
    kept_hosts = getattr(settings, "WORDPRESS_KEEP_REMOTE_IMAGES_FROM", ())
    if parts.scheme in ("http", "https") and parts.hostname and kept_hosts:
        return parts.hostname.lower() in {host.lower() for host in kept_hosts}
    return url.startswith("/") and not url.startswith("//")


def own_image_srcset(srcset: str) -> bool:
    """True when every candidate of a ``srcset`` ("url 400w, url 800w") is ``own_image_url``."""
    candidates = [candidate.strip() for candidate in srcset.split(",")]
    return all(candidate and own_image_url(candidate.split()[0]) for candidate in candidates)


_ARTICLE_TAGS = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "em", "strong", "i", "b", "u", "s", "sub", "sup",
        "del", "ins", "mark", "code", "pre", "a", "ul", "ol", "li", "blockquote",
        "figure", "figcaption", "img", "hr", "cite", "q", "abbr", "dl", "dt", "dd",
        "details", "summary", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip

_NOTE_ANCHOR = re.compile(r"fn(?:ref)?-[A-Za-z0-9_-]{1,64}")


def note_anchor(value: str) -> bool:
    """True for a notes anchor id, ``fn-ID`` or ``fnref-ID`` (no other ids in an article)."""
    return _NOTE_ANCHOR.fullmatch(value) is not None


ARTICLE = Policy(
    name="article",
    tags=_ARTICLE_TAGS,
    attributes=MappingProxyType(
        {
            "a": ("href", "title", "id"),
            "li": ("id",),
            "blockquote": ("cite",),
            "q": ("cite",),
            "img": ("src", "srcset", "sizes", "alt", "width", "height", "title"),
            "abbr": ("title",),
            "ol": ("start",),
            "th": ("colspan", "rowspan"),
            "td": ("colspan", "rowspan"),
        }
    ),
    css_sanitizer=CSSSanitizer(allowed_css_properties=[]),
    value_checks=MappingProxyType(
        {"src": own_image_url, "srcset": own_image_srcset, "id": note_anchor}
    ),
)
"""
An editor's article body: headings, emphasis, links, lists, quotations,
figures with images from the site, tables, definition lists, details, notes
(a reference ``<a id="fnref-X" href="#fn-X">`` and its note ``<li id="fn-X">``); what the
body editor (posts/static/posts/editor.js) produces is a subset of it.
"""

COMMENT = Policy(
    name="comment",
    tags=frozenset({"a", "em", "strong", "code", "blockquote", "p", "br"}),
    attributes=MappingProxyType({"a": ("href",)}),
    link_rel="nofollow ugc noopener",
    # Only what the policy keeps starts a block, and only by its opening tag,
    # so that a comment's cleaned HTML cleans to itself.
    paragraph_blocks=frozenset({"p", "blockquote"}),
    paragraph_end_tags=False,
    paragraph_separator="\n",
    drop_code_first=True,
)
"""A reader's comment: a few inline tags, paragraphs and quotations; links tamed."""

# Elements whose content is code or markup, never prose: dropped whole when
# closed. An opening tag never closed is shown as text instead.
_CODE_ELEMENTS = (
    r"(script|style|iframe|object|embed|noscript|template|title|textarea|xmp|noembed"
    r"|noframes|svg|math)\b"
)
_DROP_WITH_CONTENT = re.compile(rf"<{_CODE_ELEMENTS}.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_UNCLOSED_CODE_ELEMENT = re.compile(rf"<(?={_CODE_ELEMENTS})", re.IGNORECASE)

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


def _link_callback(rel: str):
    """Linkify callback: every link gets ``rel``; one without an absolute safe href is unlinked."""

    def set_rel(attrs, new=False):
        href = attrs.get((None, "href"), "")
        if not href.lower().startswith(("http://", "https://", "mailto:")):
            return None  # relative or odd addresses are not links here
        attrs[(None, "rel")] = rel
        return attrs

    return set_rel


def _attribute_filter(names: tuple[str, ...], checks: Mapping[str, Callable[[str], bool]]):
    """A bleach attribute callable: ``names`` only, each passing its check when it has one."""
    allowed = frozenset(names)

    def allow(tag: str, name: str, value: str) -> bool:
        if name not in allowed:
            return False
        check = checks.get(name)
        return check is None or check(value)

    return allow


def _new_cleaner(policy: Policy) -> bleach.Cleaner:
    filters = []
    if policy.link_rel:
        # Cleaning and linking in one pass: linking the cleaned HTML again
        # would escape "&" a second time inside <code>.
        filters.append(
            partial(
                LinkifyFilter,
                url_re=_URL_RE,
                callbacks=[_link_callback(policy.link_rel)],
                skip_tags={"code"},
                parse_email=False,
            )
        )
    return bleach.Cleaner(
        tags=policy.tags,
        attributes={
            tag: _attribute_filter(names, policy.value_checks)
            if policy.value_checks
            else list(names)
            for tag, names in policy.attributes.items()
        },
        protocols=policy.protocols,
        strip=True,
        strip_comments=True,
        filters=filters,
        css_sanitizer=policy.css_sanitizer,
    )


# A Cleaner's HTML parser keeps state between calls: one shared by gunicorn's
# threads crashed (a 500) or mixed two texts up. Each thread has its own, per policy.
_local = threading.local()


def _cleaner(policy: Policy) -> bleach.Cleaner:
    cleaners = getattr(_local, "cleaners", None)
    if cleaners is None:
        cleaners = _local.cleaners = {}
    cleaner = cleaners.get(policy)
    if cleaner is None:
        cleaner = cleaners[policy] = _new_cleaner(policy)
    return cleaner


def _drop_code(html: str) -> str:
    """Closed code elements out with their content; unclosed ones' "<" escaped."""
    return _UNCLOSED_CODE_ELEMENT.sub("&lt;", _DROP_WITH_CONTENT.sub("", html))


def clean(html: str, policy: Policy) -> str:
    """
    ``html`` with only what ``policy`` allows (see the module docstring):
    other tags stripped (their text kept), comments removed, code elements
    dropped with their content, attributes and URL schemes off the list removed.
    """
    return _cleaner(policy).clean(_drop_code(html))


class _TagCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags[tag] += 1

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.tags[tag] += 1


def dropped_elements(html: str, policy: Policy) -> Counter[str]:
    """
    The elements ``clean(html, policy)`` removes, by name, with how many of
    each (their text is kept, except for code elements such as script,
    dropped whole). Attributes removed are not counted.
    """
    counter = _TagCounter()
    counter.feed(html)
    counter.close()
    return Counter({tag: n for tag, n in counter.tags.items() if tag not in policy.tags})


def render_text(text: str, policy: Policy) -> str:
    """
    Plain text (HTML allowed inside) to clean HTML: ``markup.text.paragraphs``
    with the policy's rules, then ``clean`` with the policy.
    """
    if policy.drop_code_first:
        text = _drop_code(text)
    return clean(
        paragraphs(
            text,
            blocks=policy.paragraph_blocks,
            end_tags=policy.paragraph_end_tags,
            separator=policy.paragraph_separator,
        ),
        policy,
    )
