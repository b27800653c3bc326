"""
Posting a comment: the equivalent of WordPress's wp-comments-post.php.

The reader's text survives every outcome: a validation error, a refused
captcha token, a flood or a duplicate re-renders the article page with the
form still filled in; closed comments and a database outage show the text
back to copy, and a comment the database failed to store leaves no flood or
duplicate claim behind.
"""

import re

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

import pagecache
from comments import cookies, moderation, pages, spam, subscriptions, tasks
from comments.captcha import Browser, Outcome, verify_captcha
from comments.forms import CommentForm
from comments.ip import get_client_ip
from comments.models import Comment, DiscussionSettings, is_page, target_key
from comments.render import render_comment
from posts import views as posts_views
from posts.models import Article, Page
from security.middleware import DATABASE_OUTAGE_ERRORS, database_unavailable
from security.origin import Origin, post_origin

CAPTCHA_INVALID = (
    "The spam check for your comment expired or could not be confirmed. Your comment is "
    "still here: please press “Post Comment” again."
)
FLOOD = (
    "You are posting comments too quickly. Slow down. Please wait {seconds} second{s} "
    "and press “Post Comment” again; your comment is still here."
)
DUPLICATE = "Duplicate comment detected; it looks as though you’ve already said that!"
CROSS_SITE = (
    "Your browser says this comment was sent from another website, so it was not posted. "
    "Your comment is still here: if you wrote it on this page, press “Post Comment” again."
)


def render_article(request, article, form, status):
    """
    The article (or page) with this bound form (its errors and the reader's
    words); with comments in pages, the page showing the comment being
    answered, so the form comes back under it.
    """
    context = {}
    parent = str(form.data.get("parent", ""))
    if parent.isascii() and parent.isdigit() and len(parent) <= 18:
        found = pages.comment_pages(request, article)
        number = found.page_of(int(parent)) if found.discussion.page_comments else None
        if number and number != found.default:
            context["comment_page"] = number
    render = posts_views.render_page if is_page(article) else posts_views.render_article
    return render(
        request,
        article,
        status=status,
        comment_form=form,
        canonical_url=request.build_absolute_uri(article.get_absolute_url()),
        **context,
    )


def refuse(request, article, form, message, status):
    form.add_error(None, message)
    form.mark_invalid_fields()
    return render_article(request, article, form, status)


# No CSRF token: the page with the form is the same for every reader (a shared
# cache keeps it). _post_comment() checks where the post came from instead
# (security.origin; README "Security").
@csrf_exempt
@never_cache
@require_POST
def post_comment(request, article_id):
    """A comment on an article (/comments/post/<article id>/)."""
    try:
        return _post_comment(
            request, lambda: get_object_or_404(Article.objects.published(), pk=article_id)
        )
    except DATABASE_OUTAGE_ERRORS as exc:
        # The 503 page, with the reader's words to copy.
        return database_unavailable(request, exc, text=request.POST.get("comment", ""))


@csrf_exempt  # As post_comment().
@never_cache
@require_POST
def post_page_comment(request, page_id):
    """
    A comment on a page (/comments/post/page/<page id>/); a page whose
    comments are switched off refuses it as a closed article does.
    """
    try:
        return _post_comment(
            request, lambda: get_object_or_404(Page.objects.published(), pk=page_id)
        )
    except DATABASE_OUTAGE_ERRORS as exc:
        return database_unavailable(request, exc, text=request.POST.get("comment", ""))


def _post_comment(request, find_target):
    article = find_target()
    discussion = DiscussionSettings.load()
    if not discussion.comments_open_for(article):
        return render(
            request,
            "comments/closed.html",
            {"article": article, "text": request.POST.get("comment", "")},
            status=403,
        )

    form = CommentForm(request.POST, article=article)
    origin = post_origin(request)
    if origin is Origin.CROSS:
        # A forged post from another site: refused, the words shown back.
        return refuse(request, article, form, CROSS_SITE, 403)
    if not form.is_valid():
        return render_article(request, article, form, 400)

    ip_address = get_client_ip(request)
    captcha = verify_captcha(form.cleaned_data.get("captcha"), ip_address)
    if captcha.outcome is Outcome.INVALID:
        return refuse(request, article, form, CAPTCHA_INVALID, 400)

    data = form.cleaned_data
    parent_id = data["parent"].pk if data["parent"] else None
    fingerprint = (target_key(article), parent_id, data["email"], data["comment"])
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
        # Only a post the browser says came from our page acts for a signed-in
        # account; one that says nothing counts as an anonymous reader's.
        user=request.user if request.user.is_authenticated and origin is Origin.SAME else None,
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
        tasks.comment_held(comment)
    if data["notify"] and comment.status in (Comment.Status.PENDING, Comment.Status.APPROVED):
        subscribed = subscriptions.subscribe(comment)
        if subscribed.send_confirmation:
            tasks.confirmation_due(subscribed.subscription.subscriber)

    # With comments in pages, the permalink finds the page that shows it.
    # Without JavaScript the shared page cannot show a held comment to its
    # author: a page of its own says where it is (comment_held).
    if form.browser_report().browser is Browser.NO_JAVASCRIPT and not comment.is_approved():
        response = redirect(reverse("comments:held", args=[comment.pk]))
    else:
        response = redirect(
            reverse("comments:permalink", args=[comment.pk])
            if discussion.page_comments
            else comment.get_absolute_url()
        )
    # Held or approved: our script shows the reader their own comment even
    # on a copy of the page a cache kept from before (views.personal).
    cookies.remember_own_comment(request, response, comment.pk)
    if data["cookie_consent"]:
        cookies.save_author(response, data["author"], data["email"], data["url"])
    else:
        cookies.forget_author(request, response)
    return response


@pagecache.cached_page(query=("replytocom",), own_page=True)
@require_safe
def comment_page(request, year, month, slug, page):
    """
    /YYYY/MM/<slug>/comment-page-N/: page N of an article's comments (see
    comments.pages), drawn by the article page's renderer. The default page
    redirects to the article (301 for page 1, which stays the first; 302
    for the last, which moves on); past the last page, a 404. With comments
    not in pages every one is on the article: a 301 to it.
    """
    article = Article.objects.published().in_month(int(year), int(month)).filter(slug=slug).first()
    if article is None:
        if Article.objects.trashed().in_month(int(year), int(month)).filter(slug=slug).exists():
            return posts_views.gone(request, "article")
        raise Http404("No published article at this address.")
    return _comment_page(request, article, int(page))


@pagecache.cached_page(query=("replytocom",), own_page=True)
@require_safe
def page_comment_page(request, path, page):
    """
    /<page path>/comment-page-N/: page N of a page's comments, as
    comment_page() for an article. A page not taking comments has none: 404;
    a page in the trash: 410 Gone.
    """
    target = Page.objects.published().filter(path=path, comments_open=True).first()
    if target is None:
        if Page.objects.trashed().filter(path=path).exists():
            return posts_views.gone(request, "page")
        raise Http404("No page of comments at this address.")
    return _comment_page(request, target, int(page))


def _comment_page(request, article, page: int):
    article_url = article.get_absolute_url()
    found = pages.comment_pages(request, article, page)
    if not found.discussion.page_comments:
        return HttpResponsePermanentRedirect(f"{article_url}#comments")
    if page < 1 or page > found.count:
        raise Http404("No such page of comments.")
    if page == found.default:
        redirect_class = HttpResponsePermanentRedirect if page == 1 else HttpResponseRedirect
        return redirect_class(f"{article_url}#comments")
    render = posts_views.render_page if is_page(article) else posts_views.render_article
    return render(
        request,
        article,
        comment_page=page,
        canonical_url=request.build_absolute_uri(request.path),
    )


@never_cache
@require_safe
def comment_permalink(request, pk):
    """
    /comment/<id>/: a 302 to the page of comments that shows it (under an
    article or a page), at #comment-<id> (links in emails; the reader's own
    held comment too). A page whose comments are switched off shows none: 404.
    """
    own = cookies.own_comment_ids(request)
    comment = get_object_or_404(
        Comment.objects.select_related("article", "page").filter(
            Q(article__in=Article.objects.published())
            | Q(page__in=Page.objects.published().filter(comments_open=True))
        ),
        pk=pk,
    )
    if not (comment.is_approved() or comment.pk in own):
        raise Http404("No such comment.")
    article = comment.target
    article_url = article.get_absolute_url()
    discussion = DiscussionSettings.load()
    if not discussion.page_comments:
        return HttpResponseRedirect(f"{article_url}#comment-{comment.pk}")
    found = pages.comment_pages(request, article, discussion=discussion, own_ids=tuple(own))
    number = found.page_of(comment.pk) or found.default
    return HttpResponseRedirect(f"{found.url(number)}#comment-{comment.pk}")


def _bad_link(request, error: subscriptions.BadToken):
    return render(
        request, "comments/subscription/bad_link.html", {"expired": error.expired}, status=400
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_subscription(request, token):
    """
    The double opt-in link: GET shows a button (mail scanners follow links),
    POST confirms. An altered or expired link gets a page saying so (400).
    """
    try:
        subscriber = subscriptions.subscriber_for_confirmation(token)
    except subscriptions.BadToken as error:
        return _bad_link(request, error)
    context = {"subscriber": subscriber, "token": token}
    if subscriber is not None and request.method == "POST":
        subscriptions.confirm(subscriber)
        context["confirmed"] = True
    if subscriber is not None:
        context["subscriptions"] = [
            subscription
            for subscription in subscriptions.subscriptions_of(subscriber)
            if subscription.comment.is_approved()
        ]
        context["done"] = subscriber.may_be_emailed
    return render(request, "comments/subscription/confirm.html", context)


@csrf_exempt  # RFC 8058 one-click: the signed token in the address is the credential.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """
    GET: what the link stops and a button; POST (the button, or a mail
    client's RFC 8058 "List-Unsubscribe=One-Click"): no more emails about
    that comment. No login, no CSRF token: see README "Security".
    """
    try:
        pk, subscription = subscriptions.subscription_for_unsubscribe(token)
    except subscriptions.BadToken as error:
        return _bad_link(request, error)
    context = {"token": token, "subscription": subscription}
    if request.method == "POST":
        if subscription is not None:
            subscriptions.unsubscribe(subscription)
        context["done"] = True
    elif subscription is None:
        context["done"] = True
    context["stop_all_url"] = (
        reverse("comments:stop-all", args=[subscriptions.stop_all_token(subscription.subscriber)])
        if subscription is not None
        else None
    )
    return render(request, "comments/subscription/unsubscribe.html", context)


@csrf_exempt  # As unsubscribe(): the signed token is the credential.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def stop_all(request, token):
    """GET: a button; POST: this address gets no more emails from the site."""
    try:
        subscriber = subscriptions.subscriber_for_stop_all(token)
    except subscriptions.BadToken as error:
        return _bad_link(request, error)
    context = {"token": token, "done": subscriber is None or subscriber.stopped_at is not None}
    if request.method == "POST" and subscriber is not None:
        subscriptions.stop_all(subscriber)
        context["done"] = True
    return render(request, "comments/subscription/stop_all.html", context)


TARGET_KEY = re.compile(r"^(?:page-)?[0-9]{1,18}$")


def _target(key: str):
    """The published article or page a target key (models.target_key) names, or None."""
    if key.startswith("page-"):
        return Page.objects.published().filter(pk=int(key[5:])).first()
    return Article.objects.published().filter(pk=int(key)).first()


@never_cache
@require_safe
def timestamp(request, key):
    """
    JSON ``{"timestamp": ...}``: the form's signed "started writing at" for the
    article or page ``key`` names (models.target_key), fetched by comments.js
    when the reader first focuses or types in the form: the shared page
    carries none. No query; private, never stored.
    """
    if not TARGET_KEY.match(key):
        raise Http404("No such form.")
    return JsonResponse({"timestamp": spam.sign_timestamp(key if "-" in key else int(key))})


@never_cache
@require_safe
def personal(request, key):
    """
    JSON for comments.js, the one request of a page that is personal: the
    saved name, email and website (``author``, null when none) and the reader's
    own comments on this article or page (``comments``: id, parent, depth, the
    page of comments showing it and its HTML with "awaiting moderation"), so
    that the page itself is the same for everyone. ``private, no-store``,
    ``Vary: Cookie``; no query without the comment cookies. A reader with
    neither cookie left loses the marker, and the script stops asking.
    """
    author = cookies.saved_author(request)
    own = cookies.own_comment_ids(request)
    found_comments = []
    if own and TARGET_KEY.match(key):
        target = _target(key)
        if target is not None:
            found = pages.comment_pages(request, target, own_ids=tuple(own))
            for thread in found.threads:
                for node in thread:
                    if node.comment.pk not in own:
                        continue
                    number = found.page_of(node.comment.pk) or found.default
                    html = render_comment(
                        node.comment,
                        depth=node.depth,
                        reply_link=node.can_reply,
                        page_url=found.url(number),
                    )
                    found_comments.append(
                        {
                            "id": node.comment.pk,
                            "parent": node.comment.parent_id,
                            "depth": node.depth,
                            "page": number,
                            "html": f"{html}</li>",
                        }
                    )
    response = JsonResponse({"author": author or None, "comments": found_comments})
    if not author and not own:
        cookies.forget_marker(request, response)
    patch_vary_headers(response, ["Cookie"])
    return response


@never_cache
@require_safe
def comment_held(request, pk):
    """
    /comment/<id>/held/: where a reader without JavaScript lands after posting
    a comment that is not published yet (the shared article page cannot show
    it to them): the comment as they wrote it, with the truth about it, and a
    link back. Only for its author (the comment_pending cookie); else a 404.
    """
    if pk not in cookies.own_comment_ids(request):
        raise Http404("No such comment.")
    comment = get_object_or_404(Comment.objects.select_related("article", "page"), pk=pk)
    target = comment.article or comment.page
    html = render_comment(comment, depth=1, reply_link=False)
    return render(
        request,
        "comments/held.html",
        {"comment": comment, "target": target, "comment_html": mark_safe(f"{html}</li>")},  # noqa: S308
    )
