from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils.translation import ngettext

from comments.privacy import erase_personal_data


class Command(BaseCommand):
    help = (
        "Anonymise every comment written with this email address: the name becomes "
        "“Anonymous”; email, website, IP address and user agent are removed. The text is "
        "kept unless --with-text is given, when it becomes “[deleted]”."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The commenter's email address (case is ignored).")
        parser.add_argument(
            "--with-text",
            action="store_true",
            help="Also replace the text of the comments with “[deleted]”.",
        )

    def handle(self, *args, email, with_text=False, **options):
        try:
            validate_email(email.strip())
        except ValidationError:
            raise CommandError(f"“{email}” is not a valid email address.") from None
        count = erase_personal_data(email, erase_text=with_text)
        what = "personal data and text" if with_text else "personal data"
        comments = ngettext("%(count)d comment", "%(count)d comments", count) % {"count": count}
        self.stdout.write(f"Erased the {what} of {comments} by {email.strip().lower()}.")
