"""
An article's own rules on top of the site's text pipeline (``markup``).

``render_body`` is what ``Article.save`` stores in ``body_html``: a text body
gets paragraphs (blank lines, as in WordPress) and is cleaned with the article
policy (``markup.html.ARTICLE``); an HTML body is only cleaned. A quotation is
placed by its marker ``[quote N]`` alone in a paragraph of the rendered body
(``quotation_markers``, ``place_quotations``). A library image is placed as a
``<figure>`` (``figure_html``); ``body_image_names`` reads back which stored
files a body shows.
"""

import html as html_module
import re
from urllib.parse import unquote

from django.conf import settings
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

from markup.html import ARTICLE, clean, render_text


def render_body(body: str, *, html: bool = False) -> str:
    """
    The sanitized HTML stored beside an article's body: with ``html`` the body
    is HTML and only cleaned; otherwise it is text made into paragraphs first.
    """
    return clean(body, ARTICLE) if html else render_text(body, ARTICLE)


# A quotation marker alone in its paragraph, as render_body leaves it.
QUOTATION_MARKER = re.compile(r"<p>\s*\[quote\s+(\d+)\]\s*</p>", re.IGNORECASE)


_ANY_MARKER = re.compile(r"\[quote\s+(\d+)\]", re.IGNORECASE)


def quotation_markers(text: str, *, html: bool = False) -> tuple[set[int], set[int]]:
    """
    The quotation numbers an editor's body places: ``(placed, misplaced)``,
    where misplaced markers are not alone in a paragraph (a line of their own
    in a text body, ``<p>[quote N]</p>`` in an HTML one) and would be shown as
    text; a number is misplaced as soon as one of its markers is, wherever
    else it stands. ``html`` is the body's format, as for ``render_body``.
    """
    rendered = render_body(text, html=html)
    placed = {int(order) for order in QUOTATION_MARKER.findall(rendered)}
    # Any marker left once those alone in a paragraph are out is misplaced,
    # even when the same number is also placed properly elsewhere.
    left = QUOTATION_MARKER.sub("", rendered)
    misplaced = {int(order) for order in _ANY_MARKER.findall(left)}
    return placed, misplaced


def place_quotations(body_html: str, quotations) -> tuple[str, list]:
    """
    Put each quotation where the body has its marker ``[quote N]`` (N being
    its order), as quotation_html() renders it. Returns the body as safe HTML
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
        return quotation_html(quotation)

    html = QUOTATION_MARKER.sub(replace, body_html)
    unplaced = [q for order, q in sorted(by_order.items()) if order not in placed]
    return mark_safe(html), unplaced  # noqa: S308 - sanitized body, escaped template.


_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_IMAGE_ADDRESS = re.compile(r'\s(?:src|srcset)="([^"]*)"', re.IGNORECASE)


def body_image_names(body_html: str) -> set[str]:
    """
    The storage names of the files a cleaned body's images show (their src and
    srcset addresses under ``settings.MEDIA_URL``), to find the library images
    an article uses.
    """
    media_url = settings.MEDIA_URL
    names = set()
    for tag in _IMG_TAG.findall(body_html):
        for value in _IMAGE_ADDRESS.findall(tag):
            for candidate in html_module.unescape(value).split(","):
                url = (candidate.split() or [""])[0]
                if url.startswith(media_url):
                    names.add(unquote(url[len(media_url) :]))
    return names


def figure_html(image) -> SafeString:
    """
    A library image as the body shows it: ``<figure><img src srcset sizes alt
    width height><figcaption>caption — credit</figcaption></figure>``, the
    caption left out when there is neither; every value escaped.
    """
    sources = image.sources() or {}
    line = " — ".join(part for part in (image.caption.strip(), image.credit.strip()) if part)
    caption = format_html("<figcaption>{}</figcaption>", line) if line else ""
    return format_html(
        '<figure><img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}">{}</figure>',
        sources.get("src", ""),
        sources.get("srcset", ""),
        "(max-width: 800px) 100vw, 800px",
        image.alt_text,
        sources.get("width", ""),
        sources.get("height", ""),
        caption,
    )


def quotation_html(quotation) -> SafeString:
    """A quotation as a <figure>: the passage (paragraphs as typed) and who reported it where."""
    return format_html(
        '<figure class="quotation">\n'
        '  <blockquote cite="{source}">{text}</blockquote>\n'
        '  <figcaption class="attribution"><a href="{source}" rel="external noopener">'
        "{speaker} reports</a> at "
        '<a href="{outlet_url}">{outlet}</a></figcaption>\n'
        "</figure>",
        source=quotation.source_url,
        text=mark_safe(linebreaks(quotation.text, autoescape=True)),  # noqa: S308 (escaped)
        speaker=quotation.speaker,
        outlet_url=quotation.outlet.get_absolute_url(),
        outlet=quotation.outlet.name,
    )
