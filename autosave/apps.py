from django.apps import AppConfig


class AutosaveConfig(AppConfig):
    """Editors' unsaved form contents, kept per person and object (shared: knows no app)."""

    name = "autosave"
    verbose_name = "Autosaves"
    default_auto_field = "django.db.models.BigAutoField"
