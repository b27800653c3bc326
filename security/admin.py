"""django-axes' login lockout records: technical, superusers only (security.admin_site)."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from security.admin_site import TechnicalModelAdmin

for model, model_admin in [
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(
        model,
        type(
            model_admin.__name__,
            (TechnicalModelAdmin, model_admin),
            {"technical_label": "login lockouts"},
        ),
    )
