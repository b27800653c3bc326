"""
The summaries in lists of articles (home page, tag, author, source, archive,
search), built in Python as comments.render builds comments: through the
template engine, ten summaries cost a third of a cold home page.
"""

import html as html_module

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from posts.parts import article_parts


def render_summaries(articles) -> SafeString:
    """
    The summaries of a list of articles (home page, tag, author, source,
    archive, search), each an ``<article class="summary">``: the featured
    image, the title, the date, the authors, the number of approved comments
    (``comment_count``, when annotated), the dek or the start of the body, and
    the tags. Built in Python, as comments.render builds comments: through the
    template engine, ten summaries cost a third of a cold home page. The
    authors and tags of all of them are read in one query (posts.parts).
    """
    articles = list(articles)
    parts = article_parts(article.pk for article in articles)
    return mark_safe(  # noqa: S308
        "".join(_summary(article, parts[article.pk]) for article in articles)
    )


def _summary(article, shown) -> str:
    """One summary (``shown``: its authors and tags, posts.parts); every value is escaped."""
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
    authors = shown.authors
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
    tags = shown.tags
    if tags:
        links = ", ".join(
            f'<a href="{esc(tag.get_absolute_url())}" rel="tag">{esc(tag.name)}</a>' for tag in tags
        )
        parts.append(f'<p class="tags summary-tags">Tags: {links}</p>\n')
    parts.append("</article>\n")
    return "".join(parts)
