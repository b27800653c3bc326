from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Site-wide defences: headers, login lockout, the database-outage page, deploy checks."""

    name = "security"
    verbose_name = "Security"
