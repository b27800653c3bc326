"""
Posting a comment: the equivalent of WordPress's wp-comments-post.php.

The reader's text survives every outcome: a validation error, a refused
captcha token, a flood or a duplicate re-renders the article page with the
form still filled in; closed comments and a database outage show the text
back to copy, and a comment the database failed to store leaves no flood or
duplicate claim behind.
"""

from django.db import DatabaseError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from comments import cookies, moderation, notifications, spam
from comments.captcha import Outcome, verify_captcha
from comments.forms import CommentForm
from comments.ip import get_client_ip
from comments.models import Comment, DiscussionSettings
from posts import views as posts_views
from posts.models import Article
from security.middleware import DATABASE_OUTAGE_ERRORS, database_unavailable

CAPTCHA_INVALID = (
    "The spam check for your comment expired or could not be confirmed. Your comment is "
    "still here: please press “Post Comment” again."
)
FLOOD = (
    "You are posting comments too quickly. Slow down. Please wait {seconds} second{s} "
    "and press “Post Comment” again; your comment is still here."
)
DUPLICATE = "Duplicate comment detected; it looks as though you’ve already said that!"


def render_article(request, article, form, status):
    """The article page with this bound form (its errors and the reader's words)."""
    return posts_views.render_article(
        request,
        article,
        status=status,
        comment_form=form,
        canonical_url=request.build_absolute_uri(article.get_absolute_url()),
    )


def refuse(request, article, form, message, status):
    form.add_error(None, message)
    form.mark_invalid_fields()
    return render_article(request, article, form, status)


@require_POST
def post_comment(request, article_id):
    try:
        return _post_comment(request, article_id)
    except DATABASE_OUTAGE_ERRORS as exc:
        # The 503 page, with the reader's words to copy.
        return database_unavailable(request, exc, text=request.POST.get("comment", ""))


def _post_comment(request, article_id):
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    discussion = DiscussionSettings.load()
    if not discussion.comments_open_for(article):
        return render(
            request,
            "comments/closed.html",
            {"article": article, "text": request.POST.get("comment", "")},
            status=403,
        )

    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return render_article(request, article, form, 400)

    ip_address = get_client_ip(request)
    captcha = verify_captcha(form.cleaned_data.get("captcha"), ip_address)
    if captcha.outcome is Outcome.INVALID:
        return refuse(request, article, form, CAPTCHA_INVALID, 400)

    data = form.cleaned_data
    parent_id = data["parent"].pk if data["parent"] else None
    fingerprint = (article.pk, parent_id, data["email"], data["comment"])
    if spam.is_duplicate(*fingerprint):
        return refuse(request, article, form, DUPLICATE, 409)
    if not spam.claim_flood_slot(ip_address):
        wait = spam.flood_wait_seconds(ip_address)
        message = FLOOD.format(seconds=wait, s="" if wait == 1 else "s")
        response = refuse(request, article, form, message, 429)
        response["Retry-After"] = str(wait)
        return response
    if not spam.claim_duplicate_key(*fingerprint):
        return refuse(request, article, form, DUPLICATE, 409)

    comment = form.build_comment(
        ip_address=ip_address,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        user=request.user if request.user.is_authenticated else None,
        captcha_score=captcha.score,
    )
    decision = moderation.moderate(
        comment,
        discussion=discussion,
        captcha=captcha,
        browser=form.browser_report(),
        spam_signals=form.spam_signals(),
    )
    comment.status = decision.status
    try:
        with transaction.atomic():
            comment.save()
            comment.hold_reasons.bulk_create(decision.hold_reasons(comment))
    except DatabaseError:
        # Nothing was stored: the same words may be posted again at once.
        spam.release_claims(ip_address, *fingerprint)
        raise
    if comment.status == Comment.Status.PENDING:
        transaction.on_commit(lambda: notifications.notify_moderators(comment, discussion))

    response = redirect(comment.get_absolute_url())
    if comment.status != Comment.Status.APPROVED:
        cookies.remember_own_comment(request, response, comment.pk)
    if data["cookie_consent"]:
        cookies.save_author(response, data["author"], data["email"], data["url"])
    else:
        cookies.forget_author(request, response)
    return response
