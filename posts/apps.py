from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Articles"

    def ready(self):
        from maintenance import register_daily
        from posts import revisions, signals, trash

        signals.connect(self)
        revisions.register()
        # `manage.py run_daily_jobs` (cron) empties the trash after TRASH_RETENTION_DAYS.
        register_daily("empty_trash", trash.purge_job)
