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
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
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


def render_summaries(articles) -> SafeString:
    """
    The summaries of a list of articles (home page, tag, author, source,
    archive, search), each an ``<article class="summary">``: the featured
    image, the title, the date, the authors, the number of approved comments
    (``comment_count``, when annotated), the dek or the start of the body, and
    the tags. Built in Python, as comments.render builds comments: through the
    template engine, ten summaries cost a third of a cold home page. Authors
    and tags come from the articles' prefetched relations.
    """
    return mark_safe("".join(_summary(article) for article in articles))  # noqa: S308


def _summary(article) -> str:
    """One summary; every value from the database is escaped."""
    esc = html_module.escape
    url = esc(article.get_absolute_url())
    parts = ['<article class="summary">\n']
    image = article.featured_image_sources()
    if image:
        srcset = (
            f' srcset="{esc(image["srcset"])}" sizes="(max-width: 600px) 100vw, 12rem"'
            if image["srcset"]
            else ""
        )
        size = (
            f' width="{esc(str(image["width"]))}" height="{esc(str(image["height"]))}"'
            if image["width"]
            else ""
        )
        parts.append(
            f'<a class="summary-image" href="{url}" tabindex="-1" aria-hidden="true">'
            f'<img src="{esc(image["src"])}"{srcset}{size}'
            f' alt="{esc(article.featured_image_alt)}" loading="lazy" decoding="async"></a>\n'
        )
    local = timezone.localtime(article.pub_date)
    parts.append(
        f'<h2><a href="{url}">{esc(article.title)}</a></h2>\n<p class="meta">'
        f'<time datetime="{local.isoformat()}">{local:%B} {local.day}, {local.year}</time>'
    )
    authors = article.authors.all()
    if authors:
        links = ", ".join(
            f'<a href="{esc(author.get_absolute_url())}">{esc(author.name)}</a>'
            for author in authors
        )
        parts.append(f" · by {links}")
    count = getattr(article, "comment_count", 0)
    if count:
        parts.append(f' · <a href="{url}#comments">{count} comment{"" if count == 1 else "s"}</a>')
    parts.append("</p>\n")
    summary = article.summary()
    if summary:
        parts.append(f'<p class="dek">{esc(summary)}</p>\n')
    tags = article.tags.all()
    if tags:
        links = ", ".join(
            f'<a href="{esc(tag.get_absolute_url())}" rel="tag">{esc(tag.name)}</a>' for tag in tags
        )
        parts.append(f'<p class="tags summary-tags">Tags: {links}</p>\n')
    parts.append("</article>\n")
    return "".join(parts)
