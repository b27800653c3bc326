from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from comments import blank_form
from comments.captcha import captcha_version
from comments.forms import CommentForm
from comments.models import Comment, is_page, target_key
from comments.pages import comment_pages
from comments.render import render_comment

register = template.Library()


def _reply_target(value, comments):
    """The shown, approved comment with this id (from ?replytocom= or the form), or None."""
    try:
        wanted = int(value)
    except (TypeError, ValueError):
        return None
    for comment in comments:
        if comment.pk == wanted and comment.is_approved():
            return comment
    return None


@register.simple_tag(takes_context=True)
def comment_page_links(context, article):
    """
    In the <head> of a page of comments: rel="prev" and rel="next" to its
    neighbours (the canonical link is the page's own address).
    """
    request = context["request"]
    pages = comment_pages(request, article, context.get("comment_page"))
    if not pages.paged:
        return ""
    links = [
        (rel, request.build_absolute_uri(url))
        for rel, url in (("prev", pages.previous_url), ("next", pages.next_url))
        if url
    ]
    return format_html_join("\n", '<link rel="{}" href="{}">', links)


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_section(context, article):
    """
    The comments under an article or a page (the page of them shown:
    ``comment_page`` in the context, else the default one) and the "Leave a
    Reply" form, in two queries whatever the number of comments: the
    Discussion settings and the comments (the approved ones plus the
    reader's own held ones). A page whose comments are switched off shows
    nothing, in no query.
    """
    request = context["request"]
    if is_page(article) and not article.comments_open:
        return {"hidden": True}
    pages = comment_pages(request, article, context.get("comment_page"))
    discussion = pages.discussion
    comments = [node.comment for node in pages.nodes]
    # Readers may comment once they see the article (its switch, its age);
    # a staff preview of one they cannot see yet shows no form (posting needs
    # a published article) and says comments will be open, never "closed".
    open_to_readers = discussion.comments_open_for(article)
    comments_open = article.is_published() and open_to_readers
    form = context.get("comment_form")
    if form is not None:
        reply_to = _reply_target(form.data.get("parent"), comments)
    else:
        reply_to = _reply_target(request.GET.get("replytocom"), comments)
        # The same form for every reader (comments.blank_form): the saved name
        # and the timestamp are filled in by comments.js (views.personal,
        # views.timestamp).
        if reply_to is not None:
            form = CommentForm(article=article, initial={"parent": reply_to.pk})
    approved_count = sum(1 for comment in pages.comments if comment.is_approved())
    thread = pages.nodes
    tz = timezone.get_current_timezone()
    page_url = pages.current_url
    # The whole list as two strings, split after the comment being replied to
    # (the form goes there): looping over hundreds of nodes in the template
    # cost more than rendering them.
    badge = getattr(context.get("site"), "name", "")
    before, after = [], []
    chunks = before
    for node in thread:
        node.html = render_comment(
            node.comment,
            depth=node.depth,
            reply_link=comments_open and node.can_reply,
            page_url=page_url,
            tz=tz,
            badge=badge,
        )
        chunks.append(node.html)
        if reply_to is not None and node.comment.pk == reply_to.pk:
            chunks = after
        chunks.append(
            '<ol class="children">\n'
            if node.opens_children
            else "</li>" + "</ol></li>" * len(node.closes) + "\n"
        )
    # None for a preview of an article not saved yet (it shows no form).
    post_url = (
        None
        if article.pk is None
        else reverse(
            "comments:post-page" if is_page(article) else "comments:post", args=[article.pk]
        )
    )
    form_values = {
        "post_url": post_url,
        # Asked by comments.js; the key is the same for every reader.
        "timestamp_url": reverse("comments:timestamp", args=[target_key(article)]),
        "personal_url": reverse("comments:personal", args=[target_key(article)]),
        "page_url": page_url,
        "comment_page_number": pages.number,
        # "Please read our comment policy." under the heading (no query of its
        # own: posts.models.SiteSettings.load).
        "comment_policy_url": getattr(context.get("site"), "comment_policy_url", ""),
    }
    form_html = ""
    if comments_open:
        if form is not None:
            form_html = blank_form.render_form(
                {
                    **form_values,
                    "form": form,
                    "reply_to": reply_to,
                    "article": article,
                    "captcha_version": captcha_version(),
                }
            )
        else:
            form_html = blank_form.blank_form_html(form_values)
    return {
        "article": article,
        "target_noun": "page" if is_page(article) else "article",
        "thread": thread,
        # render_comment() escaped every value; the rest is fixed markup.
        "thread_html": mark_safe("".join(before)),  # noqa: S308
        "thread_html_after_form": mark_safe("".join(after)),  # noqa: S308
        "approved_count": approved_count,
        "pages": pages if pages.paged else None,
        "comments_open": comments_open,
        "open_on_publication": open_to_readers and not article.is_published(),
        "form": form,
        "form_html": form_html,
        "reply_to": reply_to,
        **form_values,
        "request": request,
    }


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()
