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
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

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
    url = html.escape(match.group("url"))
    return f'{match.group("indent")}<a href="{url}">{url}</a>'


def convert_content(content: str) -> ConvertedContent:
    """WordPress post content to HTML, with the shortcodes left in it counted."""
    had_blocks = "<!-- wp:" in content
    if had_blocks:
        content = BLOCK_DELIMITER.sub("", content)
    content = CAPTION.sub(_caption_to_figure, content)
    # WordPress embeds a player for an address alone on its line; we link to it.
    content = EMBED_LINE.sub(_embed_to_link, content)
    if not had_blocks:
        content = wpautop(content)
    return ConvertedContent(
        html=content.strip(), shortcodes=find_shortcodes(content), had_blocks=had_blocks
    )


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
