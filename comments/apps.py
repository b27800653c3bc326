from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from comments import privacy, signals
        from maintenance import register_daily

        signals.connect(self)
        # `manage.py run_daily_jobs` (cron) erases old commenters' IP addresses.
        register_daily("purge_commenter_ips", privacy.purge_commenter_ips_job)
