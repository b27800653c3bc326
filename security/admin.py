"""
Library models kept for diagnosis, technical and for superusers only
(security.admin_site): django-axes' login lockout records and django-tasks'
background task results.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from security.admin_site import TechnicalModelAdmin

for model, model_admin in [
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (DBTaskResult, DBTaskResultAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(
        model,
        type(
            model_admin.__name__,
            (TechnicalModelAdmin, model_admin),
            {"technical_label": "background tasks" if model is DBTaskResult else "login lockouts"},
        ),
    )
