from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

import pagecache
from comments import cookies
from comments.captcha import captcha_version
from comments.forms import CommentForm
from comments.models import Comment, DiscussionSettings
from comments.render import render_comment
from comments.threads import build_thread

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


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_section(context, article):
    """
    The comments under an article and the "Leave a Reply" form, in two
    queries whatever the number of comments: the Discussion settings and the
    comments (the approved ones plus the reader's own held ones).
    """
    request = context["request"]
    discussion = DiscussionSettings.load()
    comments = list(
        Comment.objects.for_article_page(article, cookies.own_comment_ids(request)).only(
            # What build_thread() and render_comment() read, not the raw text and the
            # private fields (a large part of the cost of a long thread).
            "parent_id",
            "author_name",
            "author_url",
            "body_html",
            "status",
            "submitted",
            "user_id",  # the publication's badge
        )
    )
    # A staff preview of a draft shows no form: posting needs a published article.
    comments_open = article.is_published() and discussion.comments_open_for(article)
    form = context.get("comment_form")
    if form is not None:
        reply_to = _reply_target(form.data.get("parent"), comments)
    else:
        reply_to = _reply_target(request.GET.get("replytocom"), comments)
        initial = cookies.saved_author(request)
        if initial:
            initial["cookie_consent"] = True
        if reply_to:
            initial["parent"] = reply_to.pk
        form = CommentForm(article=article, initial=initial)
        # Signed afresh for each response served from the page cache.
        pagecache.response_value(
            request, "comment-timestamp", article.pk, form.initial["timestamp"]
        )
    approved_count = sum(1 for comment in comments if comment.is_approved())
    thread = build_thread(comments, discussion.thread_depth)
    tz = timezone.get_current_timezone()
    page_url = article.get_absolute_url()
    # The whole list as two strings, split after the comment being replied to
    # (the form goes there): looping over hundreds of nodes in the template
    # cost more than rendering them.
    before, after = [], []
    chunks = before
    for node in thread:
        node.html = render_comment(
            node.comment,
            depth=node.depth,
            reply_link=comments_open and node.can_reply,
            page_url=page_url,
            tz=tz,
            badge=getattr(context.get("site"), "name", ""),
        )
        chunks.append(node.html)
        if reply_to is not None and node.comment.pk == reply_to.pk:
            chunks = after
        chunks.append(
            '<ol class="children">\n'
            if node.opens_children
            else "</li>" + "</ol></li>" * len(node.closes) + "\n"
        )
    return {
        "article": article,
        "thread": thread,
        # render_comment() escaped every value; the rest is fixed markup.
        "thread_html": mark_safe("".join(before)),  # noqa: S308
        "thread_html_after_form": mark_safe("".join(after)),  # noqa: S308
        "approved_count": approved_count,
        "comments_open": comments_open,
        "form": form,
        "reply_to": reply_to,
        "captcha_version": captcha_version(),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()
