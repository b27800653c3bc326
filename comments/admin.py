"""
The moderators' queue: WordPress's Comments screen in the Django admin.

It opens on pending comments, newest first, each comment one block: its
author, then its text as readers see it with the article and what it answers,
and the row actions under it. Approving, marking spam, trashing and restoring
(bulk actions, the one-click row buttons, Undo) require the "moderate
comments" permission and go through CommentQuerySet's methods. The row
actions, Reply and Quick edit answer the queue's script
(comments/static/comments/admin/queue.js) with JSON, and work without it.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comments.counting import NEW_SPAM, QueuePaginator, moderator_counts, status_counts
from comments.dashboard import dashboard_view
from comments.models import (
    Comment,
    DiscussionSettings,
    HoldReason,
    ModeratorVisit,
    target_fields,
)
from comments.privacy_admin import PERSONAL_DATA_ACTIONS
from comments.render import NOTICES, render_comment
from comments.templatetags.comments_admin import remember_counts
from comments.threads import build_thread
from posts.context_processors import site as site_context
from posts.models import Article, Page
from singletons.admin import SingleRowAdmin


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to pending: the queue is what a moderator opens the screen for."""

    title = "status"
    parameter_name = "status"
    default = Comment.Status.PENDING
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.ALL, "All")]

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.request = request

    def choices(self, changelist):
        """
        Each status with its number of comments, as WordPress shows "Pending (3)":
        exact, but "about 1.8 million" for approved and all on a large site
        (comments.counting.status_counts, counted once by CommentAdmin.changelist_view).
        """
        current = self.value() or self.default
        counts = getattr(self.request, "comment_status_counts", None) or status_counts(
            changelist.queryset.db
        )
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": f"{title} ({counts[lookup]})",
            }

    def queryset(self, request, queryset):
        value = self.value() or self.default
        if value == self.ALL:
            return queryset
        if value not in Comment.Status.values:
            return queryset.none()
        return queryset.filter(status=value)


class ReasonFilter(admin.SimpleListFilter):
    title = "reason held"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return HoldReason.Code.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(HoldReason.objects.filter(comment=OuterRef("pk"), code=self.value()))
            )
        return queryset


class ArticleSelect(AutocompleteSelect):
    """
    The article filter's select: Django's autocomplete (select2) searching
    article titles through CommentAdmin.article_autocomplete_view. Its only
    option is the selected article, which the filter has already loaded.
    """

    def __init__(self, admin_site, article=None):
        super().__init__(Comment._meta.get_field("article"), admin_site, {"data-width": "100%"})
        self.article = article

    def get_url(self):
        return reverse(f"{self.admin_site.name}:comments_comment_article_autocomplete")

    def optgroups(self, name, value, attrs=None):
        options = [self.create_option(name, "", "", False, 0)]
        if self.article:
            options.append(self.create_option(name, self.article.pk, self.article.title, True, 1))
        return [(None, options, 0)]


class ArticleFilter(admin.ListFilter):
    """
    One article's comments (?article__id__exact=N). Shows the selected article
    and a link back to all articles, and a box to find an article by typing
    its title; it never lists every article. Without JavaScript, an article's
    title in the list filters the queue too.
    """

    title = "article"
    parameter_name = "article__id__exact"
    template = "admin/comments/comment/article_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.admin_site = model_admin.admin_site
        self.article_id = self.article = None
        if self.parameter_name in params:
            value = params.pop(self.parameter_name)[-1]
            if not value:  # the box cleared
                return
            self.used_parameters[self.parameter_name] = value
            try:
                self.article_id = int(value)
            except ValueError:
                raise IncorrectLookupParameters(f"Not an article: {value!r}") from None
            self.article = Article.objects.only("title").filter(pk=self.article_id).first()

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name]

    def queryset(self, request, queryset):
        if self.article_id is None:
            return queryset
        return queryset.filter(article_id=self.article_id)

    def choices(self, changelist):
        # The autocomplete's form keeps the other filters, the search and the order.
        self.kept_params = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name != self.parameter_name
            for value in values
        ]
        self.select = ArticleSelect(self.admin_site, self.article).render(
            self.parameter_name, self.article_id, {"id": "article-filter-select"}
        )
        yield {
            "selected": self.article_id is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "All articles",
        }
        if self.article_id is not None:
            yield {
                "selected": True,
                "query_string": changelist.get_query_string({self.parameter_name: self.article_id}),
                "display": self.article.title if self.article else "(no such article)",
            }


class PageFilter(admin.ListFilter):
    """
    One page's comments (?page__id__exact=N), reached from a page's title in
    the queue: shows the selected page and a link back to all. Lists no
    pages (no query unless one is selected).
    """

    title = "page"
    parameter_name = "page__id__exact"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.page_id = self.page = None
        if self.parameter_name in params:
            value = params.pop(self.parameter_name)[-1]
            if not value:
                return
            self.used_parameters[self.parameter_name] = value
            try:
                self.page_id = int(value)
            except ValueError:
                raise IncorrectLookupParameters(f"Not a page: {value!r}") from None
            self.page = Page.objects.only("title").filter(pk=self.page_id).first()

    def has_output(self):
        return self.page_id is not None

    def expected_parameters(self):
        return [self.parameter_name]

    def queryset(self, request, queryset):
        if self.page_id is None:
            return queryset
        return queryset.filter(page_id=self.page_id)

    def choices(self, changelist):
        yield {
            "selected": False,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "All pages",
        }
        yield {
            "selected": True,
            "query_string": changelist.get_query_string({self.parameter_name: self.page_id}),
            "display": self.page.title if self.page else "(no such page)",
        }


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="Posted at once, approved, under the publication's name.",
    )


class QuickEditForm(forms.ModelForm):
    """The queue's Quick edit: who wrote it, the text, and the status."""

    status = forms.ChoiceField(choices=Comment.Status.choices, help_text="Where the comment is.")

    class Meta:
        model = Comment
        fields = ["author_name", "author_email", "author_url", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        field_classes = {"author_url": partial(forms.URLField, assume_scheme="https")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].initial = self.instance.status


# Row action URL name -> (Comment method, past tense for the message).
ROW_ACTION_METHODS = {
    "approve": ("approve", "approved"),
    "unapprove": ("unapprove", "unapproved"),
    "spam": ("mark_spam", "marked as spam"),
    "trash": ("trash", "moved to the Trash"),
    "restore": ("restore", "restored"),
}
# What undoes each row action (the keyboard's "u" and the Undo after Spam and Trash).
UNDO_ACTION = {
    "approve": "unapprove",
    "unapprove": "approve",
    "spam": "restore",
    "trash": "restore",
}
# The buttons shown for each status, as on WordPress's Comments screen; "delete"
# (Delete permanently) only for those who may delete comments.
ROW_ACTIONS = {
    Comment.Status.PENDING: [("approve", "Approve"), ("spam", "Spam"), ("trash", "Trash")],
    Comment.Status.APPROVED: [("unapprove", "Unapprove"), ("spam", "Spam"), ("trash", "Trash")],
    Comment.Status.SPAM: [("restore", "Not spam"), ("delete", "Delete permanently")],
    Comment.Status.TRASH: [("restore", "Restore"), ("delete", "Delete permanently")],
}
# The row action URLs that are not the action's name.
ROW_ACTION_PATHS = {"delete": "delete-permanently"}
# The statuses whose comments have Reply and Quick edit (after Approve/Unapprove).
EDITABLE_STATUSES = (Comment.Status.PENDING, Comment.Status.APPROVED)


def comments_phrase(count: int, done: str) -> str:
    """ "1 comment approved.", "2 comments approved." """
    return ngettext("%(count)d comment %(done)s.", "%(count)d comments %(done)s.", count) % {
        "count": count,
        "done": done,
    }


def wants_json(request) -> bool:
    """The queue's script asks for JSON (Accept: application/json); a form post does not."""
    return "application/json" in request.headers.get("Accept", "")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # WordPress's Comments screen: the author, the comment as one block (its
    # article, what it answers, the text and the row actions under it), the time.
    list_display = ["author_column", "comment_column", "submitted"]
    list_display_links = None
    list_filter = [StatusFilter, ReasonFilter, ArticleFilter, PageFilter]
    list_select_related = ["article", "page", "parent"]
    list_per_page = 20  # as WordPress's Comments screen
    # Millions of comments: the paginator counts at most COUNT_LIMIT of them, the
    # total is not counted, the status filter shows the counts (no facets), and
    # only the orders an index serves are offered (newest or oldest first).
    paginator = QueuePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    sortable_by = ["submitted"]
    search_fields = ["body", "author_name", "author_email", "ip_address"]
    # A website typed without a scheme is https, as on the reader's form.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    ordering = ["-submitted", "-id"]
    # One link to the comment on the site: ours (the public page, or the staff
    # view of a held comment in place), not Django's "View on site" as well.
    view_on_site = False
    readonly_fields = [
        "article",
        "page",
        "parent",
        "user",
        "status",
        "captcha_score",
        "ip_address",
        "user_agent",
        "submitted",
        "approved_at",
        "approved_by",
        "cookie_consent",
        "body_html_preview",
        "reasons",
    ]
    fields = [
        "article",
        "page",
        "parent",
        "author_name",
        "author_email",
        "author_url",
        "body",
        "body_html_preview",
        "status",
        "reasons",
        "captcha_score",
        "ip_address",
        "user_agent",
        "cookie_consent",
        "submitted",
        "approved_at",
        "approved_by",
        "user",
    ]
    actions = ["approve", "mark_spam", "move_to_trash", "restore"]

    def get_fields(self, request, obj=None):
        """The article or the page the comment answers, not both (one is always empty)."""
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        empty = "article" if obj.page_id is not None else "page"
        return [name for name in fields if name != empty]

    def get_queryset(self, request):
        # COUNT(*), not of a column: an index-only scan of comment_author_email, cheap even
        # for a commenter with thousands of comments (counting ids read each row: 0.4 s).
        approved_by_email = (
            Comment.objects.filter(
                author_email=OuterRef("author_email"), status=Comment.Status.APPROVED
            )
            .exclude(author_email="")
            .order_by()
            .values("author_email")
            .annotate(count=Count("*"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                author_approved_count=Coalesce(
                    Subquery(approved_by_email, output_field=IntegerField()), Value(0)
                )
            )
            .prefetch_related("hold_reasons")
            # Of the article joined by the list (list_select_related), only what the
            # article column shows: not its body, HTML and the like, which are large.
            .defer(
                *(
                    f"article__{field.name}"
                    for field in Article._meta.concrete_fields
                    if field.name not in {"id", "title", "slug", "pub_date"}
                ),
                *(
                    f"page__{field.name}"
                    for field in Page._meta.concrete_fields
                    if field.name not in {"id", "title", "path"}
                ),
            )
        )

    # Permissions: "moderate" gates every status change.

    def has_moderate_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.moderate_comment")

    def get_list_display(self, request):
        """
        The columns. The comment's block links its article to this list for
        that article (keeping this request's status, search and order), and
        carries the row actions this user may use.
        """
        query = request.GET.copy()
        for name in (PAGE_VAR, ERROR_FLAG):
            query.pop(name, None)
        can = self.row_permissions(request)

        @admin.display(description="comment")
        def comment_column(obj):
            return self.comment_block(obj, query, can)

        return [comment_column if name == "comment_column" else name for name in self.list_display]

    def row_permissions(self, request) -> dict[str, bool]:
        return {
            "moderate": self.has_moderate_permission(request),
            "delete": self.has_delete_permission(request),
        }

    def has_add_permission(self, request):
        # New comments come from readers, or as replies from a comment's page.
        return False

    # Columns.

    @admin.display(description="comment")
    def comment_column(self, obj):
        """The comment's block with no row actions (get_list_display() swaps in one per request)."""
        return self.comment_block(obj)

    @admin.display(description="author")
    def author_column(self, obj):
        """WordPress's author column: name, website, email, IP, approved comments by this email."""
        return render_to_string("admin/comments/comment/queue_author.html", {"comment": obj})

    def comment_block(self, obj, query=None, can=None) -> str:
        """
        The comment as one block: its status, article (the title filters this
        list, then the public page, or the staff view of a held comment in
        place), what it answers, the text as readers see it, why it was held,
        and the row actions under it.
        """
        query = QueryDict(mutable=True) if query is None else query.copy()
        if obj.page_id is not None:
            query.pop(ArticleFilter.parameter_name, None)
            query[PageFilter.parameter_name] = obj.page_id
        else:
            query.pop(PageFilter.parameter_name, None)
            query[ArticleFilter.parameter_name] = obj.article_id
        can = can or {"moderate": False, "delete": False}
        # One reverse() a row, not one an action: the row-action URLs are siblings
        # of .../<pk>/change/ (see get_urls()).
        change = reverse("admin:comments_comment_change", args=[obj.pk])
        comment_url = change.removesuffix("change/")
        buttons = []
        if can["moderate"]:
            for action, label in ROW_ACTIONS[obj.status]:
                if action == "delete" and not can["delete"]:
                    continue
                url = f"{comment_url}{ROW_ACTION_PATHS.get(action, action)}/"
                buttons.append({"action": action, "label": label, "url": url})
        held = not obj.is_approved()
        target = obj.target
        article_url = target.get_absolute_url()
        return render_to_string(
            "admin/comments/comment/queue_comment.html",
            {
                "comment": obj,
                "target": target,
                "target_noun": "page" if obj.page_id is not None else "article",
                "held": held,
                "status_label": obj.get_status_display(),
                "filter_url": f"?{query.urlencode()}",
                "public_url": article_url if held else f"{article_url}#comment-{obj.pk}",
                "in_place_url": f"{comment_url}in-place/" if held else "",
                "parent": obj.parent if obj.parent_id else None,
                "parent_url": f"{comment_url.removesuffix(f'{obj.pk}/')}{obj.parent_id}/change/",
                "text": self.text_as_readers_see_it(obj),
                "reasons": list(obj.hold_reasons.all()),
                "first_buttons": buttons[:1],
                "other_buttons": buttons[1:],
                "editable": can["moderate"] and obj.status in EDITABLE_STATUSES,
                "reply_url": f"{comment_url}reply/",
                "quick_edit_url": f"{comment_url}quick-edit/",
                "change_url": change,
            },
        )

    @staticmethod
    def text_as_readers_see_it(obj) -> SafeString:
        """
        The sanitized HTML made when the comment was saved; the plain text,
        escaped, for a row written without it (a bulk insert).
        """
        if obj.body_html:
            return mark_safe(obj.body_html)  # noqa: S308 (sanitized when saved)
        return mark_safe(linebreaks(obj.body, autoescape=True))  # noqa: S308 (escaped)

    @admin.display(description="reasons held")
    def reasons(self, obj):
        reasons = obj.hold_reasons.all()
        if not reasons:
            return "—"
        return format_html_join("", "<div>{}</div>", ((str(reason),) for reason in reasons))

    @admin.display(description="as readers see it")
    def body_html_preview(self, obj):
        if not obj:
            return ""
        return format_html(
            '<div class="comment-preview comment-content">{}</div>',
            self.text_as_readers_see_it(obj),
        )

    # Bulk actions.

    def _undo_message(self, request, comments: list[int], text: str, back: str = "") -> SafeString:
        """
        ``text`` with an Undo button (a POST form) restoring these comments,
        then returning to ``back`` (by default this page).
        """
        return format_html(
            '{} <form method="post" action="{}" class="queue-undo-form">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}'
            '<input type="hidden" name="next" value="{}">'
            '<button type="submit" class="button queue-undo">Undo</button></form>',
            text,
            reverse("admin:comments_comment_undo"),
            get_token(request),
            format_html_join(
                "", '<input type="hidden" name="ids" value="{}">', ((pk,) for pk in comments)
            ),
            back or request.get_full_path(),
        )

    @admin.action(permissions=["moderate"], description="Approve selected comments")
    def approve(self, request, queryset):
        count = queryset.approve(by=request.user)
        self.message_user(request, comments_phrase(count, "approved"), messages.SUCCESS)

    @admin.action(permissions=["moderate"], description="Mark selected comments as spam")
    def mark_spam(self, request, queryset):
        ids = list(queryset.exclude(status=Comment.Status.SPAM).values_list("pk", flat=True))
        count = Comment.objects.filter(pk__in=ids).mark_spam()
        text = comments_phrase(count, "marked as spam")
        self.message_user(request, self._undo_message(request, ids, text), messages.SUCCESS)

    @admin.action(permissions=["moderate"], description="Move selected comments to the Trash")
    def move_to_trash(self, request, queryset):
        ids = list(queryset.exclude(status=Comment.Status.TRASH).values_list("pk", flat=True))
        count = Comment.objects.filter(pk__in=ids).trash()
        text = comments_phrase(count, "moved to the Trash")
        self.message_user(request, self._undo_message(request, ids, text), messages.SUCCESS)

    @admin.action(
        permissions=["moderate"],
        description="Restore selected comments (not spam) to their status before",
    )
    def restore(self, request, queryset):
        count = queryset.restore()
        self.message_user(request, comments_phrase(count, "restored"), messages.SUCCESS)

    # One-click row actions, undo, replies, quick edit, the staff view in place.

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            *(
                path(
                    f"<int:pk>/{action}/",
                    wrap(self.row_action_view),
                    {"action": action},
                    name=f"comments_comment_{action}",
                )
                for action in ROW_ACTION_METHODS
            ),
            # Not "<pk>/delete/": that is Django's confirmation page.
            path(
                "<int:pk>/delete-permanently/",
                wrap(self.delete_permanently_view),
                name="comments_comment_delete_permanently",
            ),
            path("undo/", wrap(self.undo_view), name="comments_comment_undo"),
            path("<int:pk>/reply/", wrap(self.reply_view), name="comments_comment_reply"),
            path(
                "<int:pk>/quick-edit/",
                wrap(self.quick_edit_view),
                name="comments_comment_quick_edit",
            ),
            path("<int:pk>/in-place/", wrap(self.in_place_view), name="comments_comment_in_place"),
            path(
                "dashboard/",
                wrap(partial(dashboard_view, model_admin=self)),
                name="comments_comment_dashboard",
            ),
            path(
                "article-autocomplete/",
                wrap(self.article_autocomplete_view),
                name="comments_comment_article_autocomplete",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        """
        The queue. Opening its Spam view records the moderator's visit (the
        new-spam count starts again); the status filter's counts, made once,
        also give the navigation its pending and new-spam counts.
        """
        looking = request.method == "GET" and self.has_view_permission(request)
        status = request.GET.get(StatusFilter.parameter_name)
        if looking and status == Comment.Status.SPAM:
            now = timezone.now()
            # One UPDATE; the first visit also an INSERT.
            if not ModeratorVisit.objects.filter(user=request.user).update(spam_seen_at=now):
                ModeratorVisit.objects.create(user=request.user, spam_seen_at=now)
        if looking:
            counts = status_counts(Comment.objects.db, new_spam_for=request.user.pk)
            pending = int(counts[Comment.Status.PENDING].replace(",", ""))
            remember_counts(request, pending, counts[NEW_SPAM])
            request.comment_status_counts = counts
        extra_context = {
            **(extra_context or {}),
            "can_moderate": self.has_moderate_permission(request),
        }
        response = super().changelist_view(request, extra_context)
        if getattr(response, "context_data", None) and "media" in response.context_data:
            # The article filter's autocomplete, and the script that shows and submits it
            # (after Django's autocomplete.js, which sets select2 up); the queue's script.
            response.context_data["media"] += ArticleSelect(self.admin_site).media + forms.Media(
                js=[
                    "admin/js/autocomplete.js",
                    "comments/admin/article_filter.js",
                    "comments/admin/queue.js",
                ],
                css={"screen": ["comments/admin/article_filter.css", "comments/admin/queue.css"]},
            )
        return response

    ARTICLES_PER_SEARCH = 20

    def article_autocomplete_view(self, request):
        """
        The article filter's search, as select2 asks it (?term=...&page=N):
        articles with comments whose title contains the term, newest first,
        20 a page, in the JSON of Django's autocomplete view. Reading the queue
        is enough: the Moderators group has no access to the articles' admin.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()
        try:
            page = max(int(request.GET.get("page", 1)), 1)
        except ValueError:
            page = 1
        size = self.ARTICLES_PER_SEARCH
        articles = Article.objects.filter(Exists(Comment.objects.filter(article=OuterRef("pk"))))
        if term:
            articles = articles.filter(title__icontains=term)
        found = list(
            articles.order_by("-pub_date", "-id").values_list("pk", "title")[
                (page - 1) * size : page * size + 1
            ]
        )
        return JsonResponse(
            {
                "results": [{"id": str(pk), "text": title} for pk, title in found[:size]],
                "pagination": {"more": len(found) > size},
            }
        )

    def _back_url(self, request) -> str:
        """Where a row action returns: ``next`` or the page it came from, on this site only."""
        target = request.POST.get("next") or request.headers.get("referer", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return reverse("admin:comments_comment_changelist")

    def _back(self, request):
        return HttpResponseRedirect(self._back_url(request))

    def _row_json(self, request, pk: int, message: str, **extra) -> JsonResponse:
        """The queue script's answer: the message and the comment's row cells as they are now."""
        comment = self.get_queryset(request).filter(pk=pk).first()
        query = QueryDict(request.POST.get("list_query", "").lstrip("?"), mutable=True)
        for name in (PAGE_VAR, ERROR_FLAG):
            query.pop(name, None)
        row = {}
        if comment is not None:
            row = {
                "status": comment.status,
                "author": self.author_column(comment),
                "comment": self.comment_block(comment, query, self.row_permissions(request)),
            }
        # The navigation's counts, changed by the action (one query).
        counts = moderator_counts(request.user.pk, Comment.objects.db)
        return JsonResponse(
            {
                "message": message,
                "pending": counts.get(Comment.Status.PENDING, 0),
                "new_spam": counts.get(NEW_SPAM, 0),
                **row,
                **extra,
            }
        )

    @method_decorator(require_POST)
    def row_action_view(self, request, pk, action):
        """
        One comment's row action (see ROW_ACTION_METHODS), then back to the
        list; Spam and Trash say so with an Undo button. The queue's script
        gets JSON: the message, the row as it is now and how to undo.
        """
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=pk)
        method, done = ROW_ACTION_METHODS[action]
        getattr(comment, method)(*([request.user] if method == "approve" else []))
        text = f"Comment by {comment.author_name} {done}."
        if wants_json(request):
            undo = UNDO_ACTION.get(action)
            return self._row_json(
                request,
                pk,
                text,
                action=action,
                undo_url=reverse(f"admin:comments_comment_{undo}", args=[pk]) if undo else "",
            )
        if action in ("spam", "trash"):
            message = self._undo_message(request, [pk], text, self._back_url(request))
            self.message_user(request, message, messages.SUCCESS)
        else:
            self.message_user(request, text, messages.SUCCESS)
        return self._back(request)

    @method_decorator(require_POST)
    def undo_view(self, request):
        """Undo Spam or Trash: the comments posted (ids) go back to their status before."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        count = Comment.objects.filter(pk__in=ids).restore()
        text = comments_phrase(count, "restored")
        if wants_json(request):
            return JsonResponse({"message": text, "count": count})
        self.message_user(request, text, messages.SUCCESS)
        return self._back(request)

    @method_decorator(require_POST)
    def delete_permanently_view(self, request, pk):
        """WordPress's Delete permanently, for spam and trashed comments only."""
        comment = get_object_or_404(Comment, pk=pk)
        if not (
            self.has_moderate_permission(request) and self.has_delete_permission(request, comment)
        ):
            raise PermissionDenied
        if comment.status not in (Comment.Status.SPAM, Comment.Status.TRASH):
            text = "Only spam and trashed comments are deleted permanently."
            if wants_json(request):
                return JsonResponse({"message": text}, status=400)
            self.message_user(request, text, messages.ERROR)
            return self._back(request)
        self.log_deletions(request, [comment])
        comment.delete()
        text = f"Comment by {comment.author_name} deleted permanently."
        if wants_json(request):
            return JsonResponse({"message": text, "deleted": True})
        self.message_user(request, text, messages.SUCCESS)
        return self._back(request)

    def reply_view(self, request, pk):
        """
        Reply as the publication: approved at once, signed with the site's
        name, and the comment answered is approved. The queue's script posts
        here from its in-place form and gets JSON.
        """
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        parent = get_object_or_404(Comment.objects.select_related("article", "page"), pk=pk)
        form = ReplyForm(request.POST or None)
        site_name = site_context(request)["site"].name
        if request.method == "POST" and form.is_valid():
            if not parent.is_approved():
                parent.approve(by=request.user)
            reply = Comment(
                **target_fields(parent.target),
                parent=parent,
                author_name=site_name[:100],
                body=form.cleaned_data["body"],
                user=request.user,
                status=Comment.Status.APPROVED,
                approved_at=timezone.now(),
                approved_by=request.user,
            )
            reply.save()
            text = "Your reply is published."
            if wants_json(request):
                return self._row_json(request, parent.pk, text, reply_url=reply.get_admin_url())
            self.message_user(request, text, messages.SUCCESS)
            return redirect("admin:comments_comment_change", reply.pk)
        if request.method == "POST" and wants_json(request):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reply to {parent.author_name}",
            "opts": self.opts,
            "parent": parent,
            "form": form,
            "site_name": site_name,
        }
        return TemplateResponse(request, "admin/comments/comment/reply.html", context)

    def quick_edit_view(self, request, pk):
        """
        Quick edit in the queue (name, email, website, text, status): GET gives
        the fields as HTML for the queue's script, POST saves them (a new
        status through the Comment's own status changes) and answers JSON; the
        fields again with their errors when something is wrong. Without
        JavaScript the comment's change page does the same.
        """
        if not self.has_moderate_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=pk)
        form = QuickEditForm(request.POST or None, instance=comment, prefix=f"quick-{pk}")
        if request.method == "POST" and form.is_valid():
            form.save()
            comment.move_to(form.cleaned_data["status"], by=request.user)
            self.log_change(request, comment, [{"changed": {"fields": form.changed_data}}])
            text = f"Comment by {comment.author_name} updated."
            if wants_json(request):
                return self._row_json(request, pk, text)
            self.message_user(request, text, messages.SUCCESS)
            return self._back(request)
        if request.method == "POST" and not wants_json(request):
            return redirect("admin:comments_comment_change", pk)
        fields = render_to_string(
            "admin/comments/comment/quick_edit.html", {"form": form, "comment": comment}
        )
        if request.method == "POST":
            return JsonResponse(
                {"fields": fields, "message": "Please correct the errors."}, status=400
            )
        return HttpResponse(fields)

    def in_place_view(self, request, pk):
        """
        Staff only: the comment in place on its article, among the approved
        comments, highlighted and marked "Not public" when it is held. Never
        cached (admin_view) and never indexed.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("article", "page"), pk=pk)
        article = comment.target
        discussion = DiscussionSettings.load()
        shown = Comment.objects.for_target_page(article, [comment.pk]).only(
            "parent_id", "author_name", "author_url", "body_html", "status", "submitted", "user_id"
        )
        # The site's settings as the templates' ``site`` reads them: loaded once a request.
        site_name = site_context(request)["site"].name
        tz = timezone.get_current_timezone()
        chunks = []
        for node in build_thread(list(shown), discussion.thread_depth):
            html = render_comment(
                node.comment, depth=node.depth, reply_link=False, tz=tz, badge=site_name
            )
            if node.comment.pk == comment.pk:
                html = html.replace(
                    f'class="comment depth-{node.depth}',
                    f'class="comment depth-{node.depth} comment-in-place',
                    1,
                )
                if not comment.is_approved():
                    html = html.replace(
                        NOTICES.get(comment.status, NOTICES["pending"]),
                        format_html(
                            '<p class="comment-not-public"><strong>Not public</strong>: {}.'
                            " Readers do not see this comment.</p>",
                            comment.get_status_display(),
                        ),
                        1,
                    )
            chunks.append(html)
            chunks.append(
                '<ol class="children">\n'
                if node.opens_children
                else "</li>" + "</ol></li>" * len(node.closes) + "\n"
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{comment.author_name}’s comment in place",
            "opts": self.opts,
            "comment": comment,
            "article": article,
            "thread_html": mark_safe("".join(chunks)),  # noqa: S308 (render_comment escaped it)
        }
        response = TemplateResponse(request, "admin/comments/comment/in_place.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        can = self.row_permissions(request)
        context["row_actions"] = [
            (action, label)
            for action, label in (ROW_ACTIONS[obj.status] if obj else [])
            if action != "delete" or can["delete"]
        ]
        if obj is not None:
            held = not obj.is_approved()
            context["site_link"] = (
                reverse("admin:comments_comment_in_place", args=[obj.pk])
                if held
                else obj.get_absolute_url()
            )
            context["site_link_label"] = (
                "See it in place (staff only)" if held else "View on the site"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_moderate": self.has_moderate_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(SingleRowAdmin):
    fieldsets = [
        ("Before a comment appears", {"fields": ["approval_policy"]}),
        (
            "Comment moderation",
            {"fields": ["max_links", "hold_words", "disallowed_words"]},
        ),
        ("Other comment settings", {"fields": ["close_after_days", "thread_depth"]}),
        (
            "Comment pages",
            {
                "fields": [
                    "page_comments",
                    "comments_per_page",
                    "default_comments_page",
                    "comment_order",
                ]
            },
        ),
        ("Email me whenever", {"fields": ["moderator_emails"]}),
    ]


# Personal-data requests (export, erase): see comments/privacy_admin.py.
CommentAdmin.actions = [*CommentAdmin.actions, *PERSONAL_DATA_ACTIONS]
