"""
The admin site: everyday models first, technical ones (login lockouts, the
WordPress import's bookkeeping) apart under "Technical", last, and for
superusers only. The header and title are the publication's name
(templates/admin/base_site.html reads the ``site`` context).
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

TECHNICAL = "Technical"


class TechnicalModelAdmin(admin.ModelAdmin):
    """A model only superusers see or touch in the admin, listed under "Technical"."""

    technical = True
    # Said after the model's name under "Technical" (default: its app's name).
    technical_label = ""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_delete_permission(request, obj)


class PublicationAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        """The apps as usual, with every technical model moved to one "Technical" group, last."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        everyday, technical = [], []
        for app in apps:
            models = []
            for model in app["models"]:
                model_admin = self._registry.get(model["model"])
                if getattr(model_admin, "technical", False):
                    label = getattr(model_admin, "technical_label", None) or app["name"]
                    technical.append({**model, "name": f"{model['name']} ({label})"})
                else:
                    models.append(model)
            if models:
                everyday.append({**app, "models": models})
        if technical:
            everyday.append(
                {
                    "name": TECHNICAL,
                    "app_label": "technical",
                    # Not a prefix of every admin address (the sidebar marks the current app).
                    "app_url": technical[0]["admin_url"],
                    "has_module_perms": True,
                    "models": technical,
                }
            )
        return everyday


class PublicationAdminConfig(AdminConfig):
    """django.contrib.admin with PublicationAdminSite as admin.site (INSTALLED_APPS)."""

    default_site = "security.admin_site.PublicationAdminSite"
