"""
Admin actions for personal-data requests, for the comment list.

Select any comment by a reader, then "Export personal data" downloads, as JSON,
everything held for the email addresses of the selected comments; "Erase
personal data" asks for confirmation, then anonymises every comment written
with those addresses (see comments.privacy). Export needs the change
permission on comments, erasure the delete permission: moderators can answer
a reader's request for their data, only administrators erase it.

Add them to a ModelAdmin with ``actions = [..., *PERSONAL_DATA_ACTIONS]``.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import ngettext

from comments.privacy import comments_by_emails, erase_many, export_many, normalize_email


def _selected_emails(queryset) -> list[str]:
    emails = {normalize_email(e) for e in queryset.values_list("author_email", flat=True)}
    return sorted(e for e in emails if e)


@admin.action(permissions=["change"], description="Export personal data of these commenters")
def export_personal_data_action(modeladmin, request, queryset):
    emails = _selected_emails(queryset)
    if not emails:
        modeladmin.message_user(
            request, "The selected comments have no email address.", messages.WARNING
        )
        return None
    response = HttpResponse(
        json.dumps(export_many(emails), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@admin.action(permissions=["delete"], description="Erase personal data of these commenters")
def erase_personal_data_action(modeladmin, request, queryset):
    emails = _selected_emails(queryset)
    if not emails:
        modeladmin.message_user(
            request, "The selected comments have no email address.", messages.WARNING
        )
        return None
    if request.POST.get("post") == "yes":
        with_text = request.POST.get("with_text") == "on"
        count = erase_many(emails, erase_text=with_text)
        commenters = ngettext("%(count)d commenter", "%(count)d commenters", len(emails)) % {
            "count": len(emails)
        }
        erased = ngettext("%(count)d comment", "%(count)d comments", count) % {"count": count}
        modeladmin.message_user(
            request, f"Erased the personal data of {commenters} from {erased}.", messages.SUCCESS
        )
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Erase personal data?",
        "opts": opts,
        "emails": emails,
        "comment_count": comments_by_emails(emails).count(),
        "queryset": queryset,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/privacy/erase_confirmation.html", context)


PERSONAL_DATA_ACTIONS = [export_personal_data_action, erase_personal_data_action]
