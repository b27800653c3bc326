"""
AutosaveAdminMixin: a ModelAdmin's change and add forms save what is on the
screen every few seconds as the editor's own autosave (autosave/static/
autosave/autosave.js posts the serialised form to the endpoints below), offer
a newer autosave on reopening ("Restore the autosave from 14:32" fills the
form from it, on the server, so every widget shows it) and ask before the
page is left with unsaved changes. A real save deletes the autosave.
"""

from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from autosave.models import NEW, Autosave

# Posted by the form but not part of its contents.
NOT_FORM_CONTENTS = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_saveasnew"}
RESTORE_PARAMETER = "autosave"


def autosave_label(moment) -> str:
    """ "14:32" for today, "1 Dec, 14:32" for another day (site time zone)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return format_date(local, "H:i")
    return format_date(local, "j M, H:i")


class AutosaveAdminMixin:
    """
    Put before admin.ModelAdmin. ``autosave_modified_field`` names the model's
    auto_now field: an autosave older than the object's last save is not
    offered. ``autosave_interval_ms`` is how often the form is checked.
    """

    autosave_modified_field = "updated"
    autosave_interval_ms = 3000
    change_form_template = "autosave/change_form.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("autosave/", view(self.autosave_view), name="{}_{}_autosave_new".format(*info)),
            path(
                "autosave/discard/",
                view(self.autosave_discard_view),
                name="{}_{}_autosave_discard_new".format(*info),
            ),
            path(
                "<path:object_id>/autosave/discard/",
                view(self.autosave_discard_view),
                name="{}_{}_autosave_discard".format(*info),
            ),
            path(
                "<path:object_id>/autosave/",
                view(self.autosave_view),
                name="{}_{}_autosave".format(*info),
            ),
            *super().get_urls(),
        ]

    def _autosave_target(self, request, object_id):
        """The object the editor may change (None for an add form), or raise."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def autosave_view(self, request, object_id=None):
        """POST: keep the posted form contents as the editor's autosave of the object."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._autosave_target(request, object_id)
        data = [
            [name, value]
            for name, values in request.POST.lists()
            if name not in NOT_FORM_CONTENTS
            for value in values
        ]
        key = {
            "user": request.user,
            "content_type": ContentType.objects.get_for_model(self.model),
            "object_key": NEW if obj is None else str(obj.pk),
        }
        try:
            with transaction.atomic():
                autosave, _ = Autosave.objects.update_or_create(**key, defaults={"data": data})
        except IntegrityError:  # Made meanwhile by another request of this editor.
            autosave, _ = Autosave.objects.update_or_create(**key, defaults={"data": data})
        return JsonResponse(
            {
                "saved_at": autosave.updated_at.isoformat(),
                "label": f"Autosaved at {autosave_label(autosave.updated_at)}",
            }
        )

    def autosave_discard_view(self, request, object_id=None):
        """POST: delete the editor's autosave of the object."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._autosave_target(request, object_id)
        Autosave.objects.of(request.user, self.model, obj and obj.pk).delete()
        return JsonResponse({"discarded": True})

    def _offered_autosave(self, request, obj):
        """The editor's autosave of ``obj`` when it is newer than the object's last save."""
        autosave = Autosave.objects.of(request.user, self.model, obj and obj.pk).first()
        if autosave is None:
            return None
        modified = obj and getattr(obj, self.autosave_modified_field, None)
        if modified and autosave.updated_at <= modified:
            return None
        return autosave

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        # A POST answered with the form again (errors) autosaves on as well.
        if request.method in ("GET", "POST") and "_saveasnew" not in request.POST:
            obj = None if object_id is None else self.get_object(request, unquote(object_id))
            may_edit = (
                self.has_add_permission(request)
                if object_id is None
                else obj is not None and self.has_change_permission(request, obj)
            )
            if may_edit:
                extra_context["autosave"] = self._autosave_context(request, obj)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _autosave_context(self, request, obj) -> dict:
        info = self.admin_site.name, self.opts.app_label, self.opts.model_name
        if obj is None:
            save_url = reverse("{}:{}_{}_autosave_new".format(*info))
            discard_url = reverse("{}:{}_{}_autosave_discard_new".format(*info))
        else:
            save_url = reverse("{}:{}_{}_autosave".format(*info), args=[obj.pk])
            discard_url = reverse("{}:{}_{}_autosave_discard".format(*info), args=[obj.pk])
        offered = None
        if request.method == "GET":
            offered = self._offered_autosave(request, obj)
        restored = offered is not None and request.GET.get(RESTORE_PARAMETER) == "restore"
        if restored:
            request._autosave_restored = offered
        return {
            "save_url": save_url,
            "discard_url": discard_url,
            "interval": self.autosave_interval_ms,
            "offered": None if restored else offered,
            "offered_label": offered and autosave_label(offered.updated_at),
            "restored": restored,
            # The form does not show the saved object: leaving asks from the start.
            "unsaved": restored or request.method == "POST",
        }

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        restored = getattr(request, "_autosave_restored", None)
        if restored is None:
            return form_class
        data = restored.as_query_dict()

        class RestoredForm(form_class):
            """The form bound to the autosave's contents (a GET shows them, saves nothing)."""

            def __init__(self, *args, **form_kwargs):
                if not args and "data" not in form_kwargs:
                    form_kwargs.update(data=data, files={})
                super().__init__(*args, **form_kwargs)

        RestoredForm.__name__ = form_class.__name__
        return RestoredForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        restored = getattr(request, "_autosave_restored", None)
        if restored is not None and request.method == "GET":
            kwargs.update(data=restored.as_query_dict(), files={})
        return kwargs

    def save_model(self, request, obj, form, change):
        """After a real save the editor's autosave of the object (or of the add form) goes."""
        super().save_model(request, obj, form, change)
        autosaves = Autosave.objects.of(request.user, self.model, obj.pk)
        if not change:
            autosaves = autosaves | Autosave.objects.of(request.user, self.model)
        autosaves.delete()
