import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.privacy import export_personal_data


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything held about the commenter with this email address: "
        "every comment with its article, text, name, website, IP address, user agent, "
        "times and cookie consent."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The commenter's email address (case is ignored).")
        parser.add_argument(
            "--output", "-o", help="Write the JSON to this file instead of standard output."
        )

    def handle(self, *args, email, output=None, **options):
        try:
            validate_email(email.strip())
        except ValidationError:
            raise CommandError(f"“{email}” is not a valid email address.") from None
        data = json.dumps(export_personal_data(email), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(data + "\n")
            self.stderr.write(f"Wrote {len(json.loads(data)['comments'])} comments to {output}.")
        else:
            self.stdout.write(data)
