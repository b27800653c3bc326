"""
The moderators' queue: WordPress's Comments screen in the Django admin.

It opens on pending comments, newest first. Approving, marking spam, trashing
and restoring (bulk actions and the one-click row buttons) require the
"moderate comments" permission and go through CommentQuerySet's methods.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from comments.models import Comment, DiscussionSettings, HoldReason
from comments.privacy_admin import PERSONAL_DATA_ACTIONS
from posts.models import SiteSettings
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
        """Each status with its number of comments, as WordPress shows "Pending (3)"."""
        current = self.value() or self.default
        counts = dict(Comment.objects.order_by().values_list("status").annotate(count=Count("pk")))
        for lookup, title in self.lookup_choices:
            count = sum(counts.values()) if lookup == self.ALL else counts.get(lookup, 0)
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": f"{title} ({count})",
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
    list_filter = [StatusFilter, ReasonFilter, ("article", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article", "parent"]
    list_per_page = 50
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
        approved_by_email = (
            Comment.objects.filter(
                author_email=OuterRef("author_email"), status=Comment.Status.APPROVED
            )
            .exclude(author_email="")
            .order_by()
            .values("author_email")
            .annotate(count=Count("pk"))
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
        )

    # Permissions: "moderate" gates every status change.

    def has_moderate_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.moderate_comment")

    def get_list_display(self, request):
        if self.has_moderate_permission(request):
            return self.list_display
        return [name for name in self.list_display if name != "row_actions"]

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

    @admin.display(description="article", ordering="article__title")
    def article_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.article.title)

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
        buttons = format_html_join(
            " ",
            '<button type="submit" class="button" formmethod="post" formaction="{}"'
            " formnovalidate>{}</button>",
            (
                (reverse(f"admin:comments_comment_{action}", args=[obj.pk]), label)
                for action, label in ROW_ACTIONS[obj.status]
            ),
        )
        if obj.status not in (Comment.Status.PENDING, Comment.Status.APPROVED):
            return buttons
        return format_html(
            '{} <a href="{}">Reply</a> <a href="{}">Edit</a>',
            buttons,
            reverse("admin:comments_comment_reply", args=[obj.pk]),
            reverse("admin:comments_comment_change", args=[obj.pk]),
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
            *super().get_urls(),
        ]

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
