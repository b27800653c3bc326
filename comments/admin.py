"""
The moderators' queue: WordPress's Comments screen in the Django admin.

It opens on pending comments, newest first. Approving, marking spam, trashing
and restoring (bulk actions and the one-click row buttons) require the
"moderate comments" permission and go through CommentQuerySet's methods.
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
from django.http import HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from comments.counting import QueuePaginator, status_counts
from comments.dashboard import dashboard_view
from comments.models import Comment, DiscussionSettings, HoldReason
from comments.privacy_admin import PERSONAL_DATA_ACTIONS
from posts.models import Article, SiteSettings
from singletons.admin import SingleRowAdmin


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to pending: the queue is what a moderator opens the screen for."""

    title = "status"
    parameter_name = "status"
    default = Comment.Status.PENDING
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.ALL, "All")]

    def choices(self, changelist):
        """
        Each status with its number of comments, as WordPress shows "Pending (3)":
        exact, but "about 1.8 million" for approved and all on a large site
        (comments.counting.status_counts).
        """
        current = self.value() or self.default
        counts = status_counts(changelist.queryset.db)
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


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="Posted at once, approved, under the publication's name.",
    )


# Row action URL name -> (Comment method, past tense for the message).
ROW_ACTION_METHODS = {
    "approve": ("approve", "approved"),
    "unapprove": ("unapprove", "unapproved"),
    "spam": ("mark_spam", "marked as spam"),
    "trash": ("trash", "moved to the trash"),
    "restore": ("restore", "restored"),
}
# The buttons shown for each status, as on WordPress's Comments screen.
ROW_ACTIONS = {
    Comment.Status.PENDING: [("approve", "Approve"), ("spam", "Spam"), ("trash", "Trash")],
    Comment.Status.APPROVED: [("unapprove", "Unapprove"), ("spam", "Spam"), ("trash", "Trash")],
    Comment.Status.SPAM: [("restore", "Not spam"), ("trash", "Trash")],
    Comment.Status.TRASH: [("restore", "Restore")],
}


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "author_name",
        "author_email",
        "website",
        "ip_address",
        "article_link",
        "parent_excerpt",
        "reasons",
        "captcha_score",
        "approved_count",
        "submitted",
        "status",
        "row_actions",
    ]
    list_display_links = ["excerpt"]
    list_filter = [StatusFilter, ReasonFilter, ArticleFilter]
    list_select_related = ["article", "parent"]
    list_per_page = 20  # as WordPress's Comments screen
    # Millions of comments: the paginator counts at most COUNT_LIMIT of them, the
    # total is not counted, the status filter shows the counts (no facets), and
    # only the orders an index serves are offered (newest or oldest first, status).
    paginator = QueuePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    sortable_by = ["submitted", "status"]
    search_fields = ["body", "author_name", "author_email", "ip_address"]
    # A website typed without a scheme is https, as on the reader's form.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    ordering = ["-submitted", "-id"]
    readonly_fields = [
        "article",
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
                )
            )
        )

    # Permissions: "moderate" gates every status change.

    def has_moderate_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.moderate_comment")

    def get_list_display(self, request):
        """
        The columns, with the row actions for moderators only; the article's
        link keeps this request's status, search and order.
        """
        query = request.GET.copy()
        for name in (PAGE_VAR, ERROR_FLAG):
            query.pop(name, None)

        @admin.display(description="article")
        def article_link(obj):
            return self.article_link(obj, query)

        return [
            article_link if name == "article_link" else name
            for name in self.list_display
            if name != "row_actions" or self.has_moderate_permission(request)
        ]

    def has_add_permission(self, request):
        # New comments come from readers, or as replies from a comment's page.
        return False

    # Columns.

    @admin.display(description="comment")
    def excerpt(self, obj):
        return obj.excerpt

    @admin.display(description="website")
    def website(self, obj):
        url = obj.safe_author_url
        if not url:
            return obj.author_url or "—"
        return format_html('<a href="{}" rel="nofollow noopener noreferrer">{}</a>', url, url)

    @admin.display(description="article")
    def article_link(self, obj, query=None):
        """
        The article's title, showing this list for that article only (with the
        other parameters of ``query``), then a link to the comment on the site.
        """
        query = QueryDict(mutable=True) if query is None else query.copy()
        query[ArticleFilter.parameter_name] = obj.article_id
        return format_html(
            '<a href="?{}" title="Only this article’s comments">{}</a>'
            ' <a href="{}" class="on-site">(on the site)</a>',
            query.urlencode(),
            obj.article.title,
            obj.get_absolute_url(),
        )

    @admin.display(description="in reply to")
    def parent_excerpt(self, obj):
        return obj.parent.excerpt if obj.parent_id and obj.parent else "—"

    @admin.display(description="reasons held")
    def reasons(self, obj):
        reasons = obj.hold_reasons.all()
        if not reasons:
            return "—"
        return format_html_join("", "<div>{}</div>", ((str(reason),) for reason in reasons))

    @admin.display(description="approved comments by this email", ordering="author_approved_count")
    def approved_count(self, obj):
        return obj.author_approved_count

    @admin.display(description="")
    def row_actions(self, obj):
        """
        WordPress's row actions for the comment's status. The buttons POST the
        changelist form (with its CSRF token) to the row-action URLs; Reply and
        Edit are links.
        """
        # One reverse() a row, not five: the row-action URLs are siblings of
        # .../<pk>/change/ (see get_urls()).
        change = reverse("admin:comments_comment_change", args=[obj.pk])
        comment_url = change.removesuffix("change/")
        buttons = format_html_join(
            " ",
            '<button type="submit" class="button" formmethod="post" formaction="{}"'
            " formnovalidate>{}</button>",
            ((f"{comment_url}{action}/", label) for action, label in ROW_ACTIONS[obj.status]),
        )
        if obj.status not in (Comment.Status.PENDING, Comment.Status.APPROVED):
            return buttons
        return format_html(
            '{} <a href="{}">Reply</a> <a href="{}">Edit</a>',
            buttons,
            f"{comment_url}reply/",
            change,
        )

    @admin.display(description="as readers see it")
    def body_html_preview(self, obj):
        return format_html('<div class="comment-preview">{}</div>', obj.body_html) if obj else ""

    # Bulk actions.

    @admin.action(permissions=["moderate"], description="Approve selected comments")
    def approve(self, request, queryset):
        count = queryset.approve(by=request.user)
        self.message_user(request, f"{count} comment(s) approved.", messages.SUCCESS)

    @admin.action(permissions=["moderate"], description="Mark selected comments as spam")
    def mark_spam(self, request, queryset):
        count = queryset.mark_spam()
        self.message_user(request, f"{count} comment(s) marked as spam.", messages.SUCCESS)

    @admin.action(permissions=["moderate"], description="Move selected comments to the trash")
    def move_to_trash(self, request, queryset):
        count = queryset.trash()
        self.message_user(request, f"{count} comment(s) moved to the trash.", messages.SUCCESS)

    @admin.action(
        permissions=["moderate"],
        description="Restore selected comments (not spam) to their status before",
    )
    def restore(self, request, queryset):
        count = queryset.restore()
        self.message_user(request, f"{count} comment(s) restored.", messages.SUCCESS)

    # One-click row actions and replies.

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
            path("<int:pk>/reply/", wrap(self.reply_view), name="comments_comment_reply"),
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
        response = super().changelist_view(request, extra_context)
        if getattr(response, "context_data", None) and "media" in response.context_data:
            # The article filter's autocomplete, and the script that shows and submits it
            # (after Django's autocomplete.js, which sets select2 up).
            response.context_data["media"] += ArticleSelect(self.admin_site).media + forms.Media(
                js=["admin/js/autocomplete.js", "comments/admin/article_filter.js"],
                css={"screen": ["comments/admin/article_filter.css"]},
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

    def _back(self, request):
        target = request.POST.get("next") or request.headers.get("referer", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(target)
        return redirect("admin:comments_comment_changelist")

    @method_decorator(require_POST)
    def row_action_view(self, request, pk, action):
        """One comment's row action (see ROW_ACTION_METHODS), then back to the list."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=pk)
        method, done = ROW_ACTION_METHODS[action]
        getattr(comment, method)(*([request.user] if method == "approve" else []))
        self.message_user(request, f"Comment by {comment.author_name} {done}.", messages.SUCCESS)
        return self._back(request)

    def reply_view(self, request, pk):
        """Reply as the publication: approved at once, signed with the site's name."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        parent = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
        form = ReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not parent.is_approved():
                parent.approve(by=request.user)
            reply = Comment(
                article=parent.article,
                parent=parent,
                author_name=SiteSettings.load().name[:100],
                body=form.cleaned_data["body"],
                user=request.user,
                status=Comment.Status.APPROVED,
                approved_at=timezone.now(),
                approved_by=request.user,
            )
            reply.save()
            self.message_user(request, "Your reply is published.", messages.SUCCESS)
            return redirect("admin:comments_comment_change", reply.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reply to {parent.author_name}",
            "opts": self.opts,
            "parent": parent,
            "form": form,
            "site_name": SiteSettings.load().name,
        }
        return TemplateResponse(request, "admin/comments/comment/reply.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["row_actions"] = ROW_ACTIONS[obj.status] if obj else []
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
        ("Email me whenever", {"fields": ["moderator_emails"]}),
    ]


# Personal-data requests (export, erase): see comments/privacy_admin.py.
CommentAdmin.actions = [*CommentAdmin.actions, *PERSONAL_DATA_ACTIONS]
