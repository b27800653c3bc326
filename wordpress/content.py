"""
Turn WordPress post content into the HTML an imported article's body holds
(its body format is HTML: stored as it is, cleaned, no paragraphs added again).

WordPress stores classic-editor posts as text with blank lines between
paragraphs and adds the ``<p>`` tags when it shows them (``wpautop``);
block-editor posts are HTML wrapped in ``<!-- wp:... -->`` comments, and
WordPress skips auto-paragraphing for them. ``convert_content`` does the same:
block comments are removed (their HTML kept), ``[caption]`` becomes a
``<figure>`` with a ``<figcaption>``, an address alone on its line (which
WordPress would embed as a player) becomes a link to it, classic content is auto-paragraphed like
``wpautop`` would, other shortcodes stay as text and are returned so the
import report can list them.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markup.html import ARTICLE, dropped_elements

BLOCK_DELIMITER = re.compile(r"<!--\s*/?wp:.*?-->[ \t]*\n?", re.DOTALL)

ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section"
    r"|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)

# Shortcodes WordPress core and the common plugins register; any [name ...] with
# attributes or a closing tag is reported too.
KNOWN_SHORTCODES = frozenset(
    {
        "audio", "video", "playlist", "gallery", "embed", "caption", "wp_caption",
        "youtube", "vimeo", "tweet", "twitter", "googlemaps", "soundcloud", "code",
        "sourcecode", "contact-form", "contact-field", "slideshow", "instagram",
        "spotify", "polldaddy", "archives", "dailymotion", "ted", "recipe",
    }
)  # fmt: skip
SHORTCODE = re.compile(r"\[(\[?)([A-Za-z][\w-]*)((?:\s[^\]]*)?)\s*/?\](\]?)")
CAPTION = re.compile(
    r"\[(?:wp_)?caption(?P<attrs>(?:\s[^\]]*)?)\](?P<inner>.*?)\[/(?:wp_)?caption\]",
    re.DOTALL | re.IGNORECASE,
)
CAPTION_MEDIA = re.compile(
    r"^\s*(?P<media>(?:<a\s[^>]+>\s*)?<img\s[^>]+>(?:\s*</a>)?)(?P<text>.*)$",
    re.DOTALL | re.IGNORECASE,
)
# An address alone on its line, which WordPress turns into an embedded player.
EMBED_LINE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<url>https?://[^\s<>\"'\[\]]+)[ \t]*$", re.MULTILINE
)
SHORTCODE_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)"""
)


@dataclass
class ConvertedContent:
    html: str
    shortcodes: Counter[str] = field(default_factory=Counter)
    had_blocks: bool = False
    display_blocks: Counter[str] = field(default_factory=Counter)
    """Blocks WordPress draws when the page is shown (latest posts...): nothing to carry over."""
    missing_blocks: list[int] = field(default_factory=list)
    """Reusable blocks (``wp:block {"ref": N}``) the export does not hold (yet)."""
    media_without_source: Counter[str] = field(default_factory=Counter)
    """Video, audio, iframe... elements with no address to link to (dropped by the sanitizer)."""


def shortcode_attributes(text: str) -> dict[str, str]:
    attributes = {}
    for match in SHORTCODE_ATTRIBUTE.finditer(text):
        if match.group(1):
            attributes[match.group(1).lower()] = match.group(2)
        elif match.group(3):
            attributes[match.group(3).lower()] = match.group(4)
        else:
            attributes[match.group(5).lower()] = match.group(6)
    return attributes


def _caption_to_figure(match: re.Match[str]) -> str:
    attributes = shortcode_attributes(match.group("attrs"))
    inner = match.group("inner")
    media_match = CAPTION_MEDIA.match(inner)
    if media_match:
        media = media_match.group("media").strip()
        caption = media_match.group("text").strip() or attributes.get("caption", "").strip()
    else:
        media, caption = inner.strip(), attributes.get("caption", "").strip()
    if not caption:
        return f"<figure>{media}</figure>"
    return f"<figure>{media}<figcaption>{caption}</figcaption></figure>"


def find_shortcodes(text: str) -> Counter[str]:
    """Count the shortcodes left in the text (escaped [[name]] ones are not shortcodes)."""
    found: Counter[str] = Counter()
    for match in SHORTCODE.finditer(text):
        if match.group(1) and match.group(4):
            continue
        name = match.group(2).lower()
        attributes = match.group(3)
        if (
            name in KNOWN_SHORTCODES
            or "=" in attributes
            or re.search(rf"\[/{re.escape(match.group(2))}\]", text)
        ):
            found[name] += 1
    return found


def wpautop(text: str) -> str:
    """
    A port of WordPress's wpautop(): blank lines make paragraphs, single newlines
    <br>, block-level HTML is left alone, <pre> is never touched.
    """
    if not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n") + "\n"

    pre_blocks: dict[str, str] = {}
    if "<pre" in text:

        def keep_pre(match: re.Match[str]) -> str:
            key = f"<pre wp-pre-tag-{len(pre_blocks)}></pre>"
            pre_blocks[key] = match.group(0)
            return key

        text = re.sub(r"<pre\b.*?</pre>", keep_pre, text, flags=re.DOTALL | re.IGNORECASE)

    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(rf"(<{ALL_BLOCKS}[\s/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{ALL_BLOCKS}>)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    # Newlines inside tags are kept through the paragraphing.
    text = re.sub(r"<[^<>]*>", lambda m: m.group(0).replace("\n", "\ue000"), text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)

    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)

    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{ALL_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{ALL_BLOCKS}[^>]*>)", r"\1", text)
    text = re.sub(rf"(</?{ALL_BLOCKS}[^>]*>)\s*</p>", r"\1", text)

    text = re.sub(
        r"<(script|style|svg|math).*?</\1>",
        lambda m: m.group(0).replace("\n", "\ue001"),
        text,
        flags=re.DOTALL,
    )
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = text.replace("\ue001", "\n")

    text = re.sub(rf"(</?{ALL_BLOCKS}[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)

    for key, block in pre_blocks.items():
        text = text.replace(key, block)
    return text.replace("\ue000", "\n")


def _embed_to_link(match: re.Match[str]) -> str:
    # The address may already be HTML (a block's "&amp;"): escaped once, never twice.
    url = html.escape(html.unescape(match.group("url")))
    return f'{match.group("indent")}<a href="{url}">{url}</a>'


# A block delimiter: <!-- wp:name {"json": "attributes"} --> or <!-- wp:name /-->.
BLOCK_COMMENT = re.compile(
    r"<!--\s*wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)"
    r"(?P<attrs>\s+\{(?:(?!-->).)*?\})?\s*(?P<void>/)?-->",
    re.DOTALL,
)
REUSABLE_BLOCK = re.compile(
    r"<!--\s*wp:(?:core/)?block\s+(?P<attrs>\{(?:(?!-->).)*?\})\s*/-->", re.DOTALL
)
MAX_REUSABLE_DEPTH = 5

# Blocks WordPress fills in when it shows the page, from its database: the
# export holds no content for them (social links excepted, rendered from their
# attributes).
DISPLAY_BLOCKS = frozenset(
    {
        "latest-posts", "latest-comments", "archives", "categories", "calendar", "search",
        "tag-cloud", "rss", "query", "page-list", "navigation", "loginout", "home-link",
        "site-title", "site-tagline", "site-logo", "template-part", "legacy-widget",
        "widget-group", "avatar", "read-more", "query-title", "term-description",
        "comments", "comments-query-loop", "post-comments", "post-comments-form",
        "post-navigation-link", "query-pagination", "post-template", "post-title",
        "post-content", "post-date", "post-excerpt", "post-featured-image", "post-terms",
        "post-author", "post-author-biography", "post-author-name", "query-no-results",
        "social-links",
    }
)  # fmt: skip
SOCIAL_LABELS = {
    "wordpress": "WordPress", "youtube": "YouTube", "linkedin": "LinkedIn",
    "github": "GitHub", "tiktok": "TikTok", "soundcloud": "SoundCloud", "x": "X",
    "deviantart": "DeviantArt", "dribbble": "Dribbble", "feed": "RSS feed",
    "chain": "Link", "mastodon": "Mastodon", "bluesky": "Bluesky", "fivehundredpx": "500px",
}  # fmt: skip
FOOTNOTE_REFERENCE = re.compile(
    r"<sup\b[^>]*\bdata-fn=(?P<q>[\"'])(?P<id>[^\"']+)(?P=q)[^>]*>.*?</sup>",
    re.DOTALL | re.IGNORECASE,
)
FOOTNOTES_BLOCK = re.compile(r"<!--\s*wp:(?:core/)?footnotes\b[^>]*?/-->")
_HEADING = re.compile(r"<(/?)h([156])\b", re.IGNORECASE)
_HEADING_LEVEL = {"1": "2", "5": "4", "6": "4"}
_ADDRESS = re.compile(r"<address\b[^>]*>(?P<inner>.*?)</address\s*>", re.DOTALL | re.IGNORECASE)


def _media_pattern(name: str) -> re.Pattern[str]:
    """<name attrs/> or <name attrs>inner</name>; <embed> is a void element."""
    if name == "embed":
        return re.compile(r"<embed\b(?P<attrs>[^>]*?)/?>(?:\s*</embed\s*>)?", re.IGNORECASE)
    return re.compile(
        rf"<{name}\b(?P<attrs>[^>]*?)(?:/>|>(?P<inner>.*?)</{name}\s*>)",
        re.DOTALL | re.IGNORECASE,
    )


# Media WordPress shows as a player; here a link to the source. <object> first:
# it may hold an <embed>.
MEDIA_ELEMENTS = tuple(
    (name, _media_pattern(name)) for name in ("object", "iframe", "video", "audio", "embed")
)
_HTML_ATTRIBUTE = re.compile(
    r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE
)
_INNER_SOURCE = re.compile(
    r"""<(?:source|embed)\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)"""
    r"""|<param\b[^>]*?\bname\s*=\s*["']?(?:movie|src)["']?[^>]*?\bvalue\s*=\s*["']?([^"'\s>]+)""",
    re.IGNORECASE,
)
_EMBED_BLOCK = re.compile(
    r"<!--\s*wp:(?:core/)?(?:embed|core-embed/[a-z0-9-]+)(?P<attrs>\s+\{(?:(?!-->).)*?\})?\s*/-->",
    re.DOTALL,
)


def _block_attributes(text: str | None) -> dict:
    """A block comment's JSON attributes ({} when absent or broken)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _web_address(value: str) -> str:
    """An http(s) address from an attribute's value ("" otherwise); "//host" taken as https."""
    value = html.unescape(value or "").strip()
    if value.startswith("//"):
        value = "https:" + value
    if urlsplit(value).scheme.lower() not in ("http", "https") or any(c in value for c in "<>\"'"):
        return ""
    return value


def _source_link(url: str) -> str:
    url = html.escape(url)
    return f'<a href="{url}">{url}</a>'


def _inside_figure(text: str, position: int) -> bool:
    before = text[:position].lower()
    return before.count("<figure") > before.count("</figure")


def media_to_links(content: str, missing: Counter[str] | None = None) -> str:
    """
    Video, audio, iframes, objects and embeds as a link to their source, in a
    ``<figure>`` unless already inside one (a block's figure keeps its
    caption). Elements with no http(s) source stay (the sanitizer drops them)
    and are counted in ``missing``.
    """
    for name, pattern in MEDIA_ELEMENTS:
        if f"<{name}" not in content.lower():
            continue
        parts, last = [], 0
        for match in pattern.finditer(content):
            attributes = {
                m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                for m in _HTML_ATTRIBUTE.finditer(match.group("attrs"))
            }
            candidates = [attributes.get("src", ""), attributes.get("data", "")]
            for inner in _INNER_SOURCE.finditer(match.groupdict().get("inner") or ""):
                candidates.append(inner.group(1) or inner.group(2))
            url = next(filter(None, map(_web_address, candidates)), "")
            if not url:
                if missing is not None:
                    missing[name] += 1
                continue
            link = _source_link(url)
            if not _inside_figure(content, match.start()):
                link = f"<figure>{link}</figure>"
            parts.append(content[last : match.start()] + link)
            last = match.end()
        content = "".join(parts) + content[last:]
    return content


def _embed_block_link(match: re.Match[str]) -> str:
    """A self-closing embed block (its address only in its attributes) as a linked figure."""
    url = _web_address(str(_block_attributes(match.group("attrs")).get("url", "")))
    return f"<figure>{_source_link(url)}</figure>" if url else match.group(0)


def _social_link(match: re.Match[str]) -> str:
    attributes = _block_attributes(match.group("attrs"))
    url = _web_address(str(attributes.get("url", "")))
    if not url:
        return ""  # no address (or a mailto: one: no email address in public pages)
    service = str(attributes.get("service", "")).strip()
    label = str(attributes.get("label", "")).strip() or SOCIAL_LABELS.get(
        service.lower(), service.replace("-", " ").title() or url
    )
    return f'<li><a href="{html.escape(url)}">{html.escape(label)}</a></li>'


SOCIAL_LINKS = re.compile(
    r"<!--\s*wp:(?:core/)?social-links(?:\s+\{(?:(?!-->).)*?\})?\s*-->(?P<inner>.*?)"
    r"<!--\s*/wp:(?:core/)?social-links\s*-->",
    re.DOTALL,
)
SOCIAL_LINK = re.compile(
    r"<!--\s*wp:(?:core/)?social-link(?P<attrs>\s+\{(?:(?!-->).)*?\})?\s*/-->", re.DOTALL
)


def social_links(content: str, left_out: Counter[str]) -> str:
    """
    Social-icons blocks as a list of links from their blocks' addresses; a
    block with no web address at all (only "#") is left out and counted.
    """

    def replace(match: re.Match[str]) -> str:
        inner = SOCIAL_LINK.sub(_social_link, match.group("inner"))
        if "<li>" not in inner:
            left_out["social-links"] += 1
            return ""
        return inner

    return SOCIAL_LINKS.sub(replace, content)


MEDIA_SHORTCODE = re.compile(
    r"\[(?P<name>audio|video|embed)\b(?P<attrs>[^\]]*)\](?:(?P<inner>[^\[]*)\[/(?P=name)\])?",
    re.IGNORECASE,
)
MEDIA_SHORTCODE_SOURCES = ("src", "mp3", "mp4", "m4a", "m4v", "ogg", "oga", "ogv", "wav", "webm")


def _media_shortcode(match: re.Match[str]) -> str:
    """[audio src=...], [video mp4=...], [embed]address[/embed]: a figure linking to the source."""
    attributes = shortcode_attributes(match.group("attrs"))
    candidates = [attributes.get(name, "") for name in MEDIA_SHORTCODE_SOURCES]
    candidates += [match.group("inner") or "", *match.group("attrs").split()]
    url = next(filter(None, map(_web_address, candidates)), "")
    return f"<figure>{_source_link(url)}</figure>" if url else match.group(0)


def resolve_reusable_blocks(
    content: str, reusable: Mapping[int, str], missing: list[int], depth: int = 0
) -> str:
    """``<!-- wp:block {"ref":N} /-->`` replaced by the content of wp_block item N."""

    def replace(match: re.Match[str]) -> str:
        ref = _block_attributes(match.group("attrs")).get("ref")
        if not isinstance(ref, int) or isinstance(ref, bool):
            return match.group(0)
        block = reusable.get(ref)
        if block is None or depth >= MAX_REUSABLE_DEPTH:
            if ref not in missing:
                missing.append(ref)
            return ""
        return resolve_reusable_blocks(block, reusable, missing, depth + 1)

    return REUSABLE_BLOCK.sub(replace, content)


def _note_id(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", value)[:64]


def footnotes_to_notes(content: str, footnotes_json: str) -> str:
    """
    Block-editor footnotes (the ``footnotes`` post meta, a JSON list of
    ``{"id", "content"}``, and ``<sup data-fn="id">`` in the text) as numbered
    references linking to a notes list (where the footnotes block stands, else
    at the end), each note linking back: ``#fn-ID`` and ``#fnref-ID``.
    """
    try:
        notes = json.loads(footnotes_json) if footnotes_json.strip() else []
    except ValueError:
        notes = []
    if not isinstance(notes, list):
        notes = []
    texts = {
        _note_id(str(note.get("id", ""))): str(note.get("content", ""))
        for note in notes
        if isinstance(note, dict) and _note_id(str(note.get("id", "")))
    }
    order: list[str] = []

    def reference(match: re.Match[str]) -> str:
        note = _note_id(match.group("id"))
        if note not in texts:
            return ""  # a reference to no note: nothing to point at
        if note not in order:
            order.append(note)
        number = order.index(note) + 1
        return f'<sup><a href="#fn-{note}" id="fnref-{note}">{number}</a></sup>'

    content = FOOTNOTE_REFERENCE.sub(reference, content)
    if not order:
        return FOOTNOTES_BLOCK.sub("", content)
    items = "".join(
        f'<li id="fn-{note}">{texts[note]} <a href="#fnref-{note}">↩</a></li>' for note in order
    )
    notes_list = f"\n<ol>{items}</ol>\n"
    if FOOTNOTES_BLOCK.search(content):
        return FOOTNOTES_BLOCK.sub(lambda m: notes_list, content, count=1)
    return content.rstrip() + notes_list


def _address_lines(match: re.Match[str]) -> str:
    inner = match.group("inner").strip()
    if re.search(r"<(?:p|div)\b", inner, re.IGNORECASE):
        return inner
    inner = re.sub(r"(?<!<br>)(?<!<br />)(?<!<br/>)\n", "<br />\n", inner)
    return f"<p>{inner}</p>"


def convert_content(
    content: str, *, reusable: Mapping[int, str] | None = None, footnotes: str = ""
) -> ConvertedContent:
    """
    WordPress post content to HTML, with the shortcodes left in it counted.
    ``reusable``: the export's reusable blocks (wp_block items) by ID;
    ``footnotes``: the post's ``footnotes`` meta.
    """
    had_blocks = "<!-- wp:" in content
    missing_blocks: list[int] = []
    display_blocks: Counter[str] = Counter()
    media_without_source: Counter[str] = Counter()
    if had_blocks:
        content = resolve_reusable_blocks(
            content, {} if reusable is None else reusable, missing_blocks
        )
        content = footnotes_to_notes(content, footnotes)
        content = social_links(content, display_blocks)
        for match in BLOCK_COMMENT.finditer(content):
            name = match.group("name").removeprefix("core/")
            if name in DISPLAY_BLOCKS:
                display_blocks[name] += 1
        content = _EMBED_BLOCK.sub(_embed_block_link, content)
        content = BLOCK_DELIMITER.sub("", content)
    content = CAPTION.sub(_caption_to_figure, content)
    content = MEDIA_SHORTCODE.sub(_media_shortcode, content)
    content = media_to_links(content, media_without_source)
    # WordPress embeds a player for an address alone on its line; we link to it.
    content = EMBED_LINE.sub(_embed_to_link, content)
    content = _HEADING.sub(lambda m: f"<{m.group(1)}h{_HEADING_LEVEL[m.group(2)]}", content)
    content = _ADDRESS.sub(_address_lines, content)
    if not had_blocks:
        content = wpautop(content)
    return ConvertedContent(
        html=content.strip(),
        shortcodes=find_shortcodes(content),
        had_blocks=had_blocks,
        display_blocks=display_blocks,
        missing_blocks=missing_blocks,
        media_without_source=media_without_source,
    )


# Wrappers whose loss changes nothing a reader sees: not reported as dropped.
HARMLESS_DROPS = frozenset({"div", "span"})


def _counted(counter: Counter[str]) -> str:
    return ", ".join(
        name if number == 1 else f"{name} ×{number}" for name, number in sorted(counter.items())
    )


def content_notes(converted: ConvertedContent, html_source: str) -> list[str]:
    """
    What of a post's content does not come across as it was, for the import
    report: blocks drawn at display time, reusable blocks missing, media
    without an address, and the elements the article allow-list drops
    (``html_source`` is what is about to be cleaned), by name and count.
    """
    notes = []
    if converted.display_blocks:
        notes.append(
            "blocks WordPress draws when it shows the page, left out: "
            + _counted(converted.display_blocks)
        )
    if converted.missing_blocks:
        refs = ", ".join(str(ref) for ref in converted.missing_blocks)
        notes.append(f"reusable blocks not in the export, left out: {refs}")
    if converted.media_without_source:
        notes.append(
            "media with no address to link to, dropped: " + _counted(converted.media_without_source)
        )
    dropped = dropped_elements(html_source, ARTICLE)
    for name in HARMLESS_DROPS:
        dropped.pop(name, None)
    if dropped:
        notes.append("elements the article allow-list drops (text kept): " + _counted(dropped))
    return notes


_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_IMAGE_ADDRESSES = re.compile(
    r"""(\s(?:src|srcset)\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE
)


def site_images_relative(content: str, site: str) -> str:
    """
    Image addresses on the WordPress site itself (``site``, its base URL, over
    http or https) made root-relative ("/wp-content/uploads/..."): an article
    shows images from the site itself only (markup.html.ARTICLE), and the
    imported site is the one this replaces.
    """
    host = urlsplit(site).netloc
    if not host:
        return content
    origins = re.compile(rf"https?://{re.escape(host)}(?=/)", re.IGNORECASE)

    def relative_addresses(tag: re.Match[str]) -> str:
        return _IMAGE_ADDRESSES.sub(
            lambda value: value.group(1) + origins.sub("", value.group(2)), tag.group(0)
        )

    return _IMG_TAG.sub(relative_addresses, content)
