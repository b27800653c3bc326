"""
The trash in the admin, for articles and pages: deleting (the Delete button
or the list's action) moves to the trash; the list hides what is in the
trash, and its "In the trash" filter lists it with Restore and, for
superusers only, "Delete permanently". What stays in the trash
TRASH_RETENTION_DAYS days is deleted by the daily job (posts.trash).
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone

TRASH_PARAMETER = "trash"


class InTrashFilter(admin.SimpleListFilter):
    """Not in the trash (the default list) or in the trash (the Trash view)."""

    title = "trash"
    parameter_name = TRASH_PARAMETER

    def lookups(self, request, model_admin):
        return [("yes", "In the trash")]

    def choices(self, changelist):
        yield {
            "selected": self.value() != "yes",
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Not in the trash",
        }
        yield {
            "selected": self.value() == "yes",
            "query_string": changelist.get_query_string({self.parameter_name: "yes"}),
            "display": "In the trash",
        }

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.trashed()
        return queryset.not_trashed()


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class TrashAdminMixin:
    """Put before the other admin mixins; the model is posts.models.Trashable."""

    trash_confirmation_template = "admin/posts/trash_confirmation.html"
    # "N results (M total)": M would count the trash with the rest, reading every row.
    show_full_result_count = False

    # --- The list and the Trash view ---

    def in_trash_view(self, request) -> bool:
        return request.GET.get(TRASH_PARAMETER) == "yes"

    def get_list_filter(self, request):
        return [InTrashFilter, *super().get_list_filter(request)]

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        if self.in_trash_view(request):
            return [*display[:2], "trashed_when", "trashed_by_name", "deleted_for_good"]
        return display

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.in_trash_view(request):
            queryset = queryset.select_related("trashed_by")
        return queryset

    def changelist_view(self, request, extra_context=None):
        if self.in_trash_view(request):
            extra_context = {
                "title": f"{self.opts.verbose_name_plural.capitalize()} in the trash: restore "
                f"within {self._retention_days()} days",
                **(extra_context or {}),
            }
        return super().changelist_view(request, extra_context)

    @admin.display(description="moved to the trash", ordering="trashed_at")
    def trashed_when(self, obj):
        return _when(obj.trashed_at) if obj.trashed_at else "—"

    @admin.display(description="by")
    def trashed_by_name(self, obj):
        user = obj.trashed_by
        return (user.get_full_name() or user.get_username()) if user else "—"

    @admin.display(description="deleted for good")
    def deleted_for_good(self, obj):
        expires = obj.trash_expires()
        return _when(expires) if expires else "—"

    # --- Actions: to the trash, restore, delete permanently ---

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not self.has_delete_permission(request):
            return actions
        if self.in_trash_view(request):
            # What is in the trash can only be restored (or deleted for good).
            actions = {"restore_from_trash": self.get_action("restore_from_trash")}
            if request.user.is_superuser:
                actions["delete_selected"] = (
                    type(self).delete_permanently,
                    "delete_selected",  # Django's confirmation page posts this name back.
                    "Delete the selected %(verbose_name_plural)s permanently",
                )
            return actions
        actions["move_to_trash"] = self.get_action("move_to_trash")
        return actions

    @admin.action(
        permissions=["delete"], description="Move the selected %(verbose_name_plural)s to the trash"
    )
    def move_to_trash(self, request, queryset):
        count = 0
        for obj in queryset.not_trashed():
            obj.move_to_trash(request.user)
            self.log_change(request, obj, "Moved to the trash.")
            count += 1
        self.message_user(
            request,
            f"Moved {count} {self._name(count)} to the trash. Readers no longer see "
            f"{'them' if count != 1 else 'it'}; restore from the trash within "
            f"{self._retention_days()} days.",
            messages.SUCCESS,
        )

    @admin.action(
        permissions=["delete"], description="Restore the selected %(verbose_name_plural)s"
    )
    def restore_from_trash(self, request, queryset):
        count = 0
        for obj in queryset.trashed():
            obj.restore()
            self.log_change(request, obj, "Restored from the trash.")
            count += 1
        self.message_user(
            request,
            f"Restored {count} {self._name(count)} from the trash, as "
            f"{'they were' if count != 1 else 'it was'} (published or not).",
            messages.SUCCESS,
        )

    def delete_permanently(self, request, queryset):
        """Django's delete_selected (its confirmation page), for what is in the trash only."""
        if not request.user.is_superuser:
            self.message_user(request, "Only superusers delete permanently.", messages.ERROR)
            return None
        return delete_selected(self, request, queryset.trashed())

    # --- The Delete button: to the trash; in the trash, permanently (superusers) ---

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_trashed:
            return request.user.is_superuser and super().has_delete_permission(request, obj)
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """Moving to the trash deletes nothing (and needs no other permission)."""
        objs = list(objs)
        if all(obj.is_trashed for obj in objs):
            return super().get_deleted_objects(objs, request)
        return [str(obj) for obj in objs], {}, set(), []

    def render_delete_form(self, request, context):
        if context["object"].is_trashed:
            return super().render_delete_form(request, context)
        context.update(
            title="Move to the trash",
            retention_days=self._retention_days(),
        )
        return TemplateResponse(request, self.trash_confirmation_template, context)

    def log_deletions(self, request, queryset):
        trashed = [obj for obj in queryset if obj.is_trashed]
        for obj in queryset:
            if not obj.is_trashed:
                self.log_change(request, obj, "Moved to the trash.")
        if trashed:
            super().log_deletions(request, trashed)

    def delete_model(self, request, obj):
        if obj.is_trashed:
            super().delete_model(request, obj)
            return
        obj.move_to_trash(request.user)
        request.moved_to_trash = True

    def response_delete(self, request, obj_display, obj_id):
        if not getattr(request, "moved_to_trash", False):
            return super().response_delete(request, obj_display, obj_id)
        self.message_user(
            request,
            f"“{obj_display}” was moved to the trash. Readers get “removed” at its address; "
            f"restore it from the trash within {self._retention_days()} days.",
            messages.SUCCESS,
        )
        if not self.has_view_or_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
            current_app=self.admin_site.name,
        )
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, url))

    # --- The change form of something in the trash says so ---

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["trashable"] = True  # admin/posts/submit_line.html: "Move to the trash"
        if obj is not None and obj.is_trashed and request.method == "GET":
            self.message_user(
                request,
                f"This {self.opts.verbose_name} is in the trash since "
                f"{_when(obj.trashed_at)}: readers get “removed” at its address. It is "
                f"deleted for good on {_when(obj.trash_expires())} unless restored "
                "(the list's “In the trash” filter, action “Restore”).",
                messages.WARNING,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _name(self, count: int) -> str:
        return str(self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural)

    @staticmethod
    def _retention_days() -> int:
        return settings.TRASH_RETENTION_DAYS
