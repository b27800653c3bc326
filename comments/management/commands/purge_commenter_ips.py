from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from comments.privacy import purge_expired_network_data


class Command(BaseCommand):
    help = (
        "Remove IP addresses and user agents from comments older than "
        "COMMENT_IP_RETENTION_DAYS days. The daily `manage.py run_daily_jobs` (cron) runs "
        "it with the other daily jobs; this command runs it alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help="Keep this many days instead of COMMENT_IP_RETENTION_DAYS.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.COMMENT_IP_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        count = purge_expired_network_data(days)
        comments = ngettext("%(count)d comment", "%(count)d comments", count) % {"count": count}
        older = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
        self.stdout.write(
            f"Removed IP addresses and user agents from {comments} older than {older}."
        )
