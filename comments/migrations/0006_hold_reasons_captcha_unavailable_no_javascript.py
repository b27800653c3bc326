"""
Two hold reasons for comments that came without a captcha token from a reader,
not a bot: Google's script unavailable in the browser, and no JavaScript.
Only the field's choices change: no SQL.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_comment_status_queue_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="holdreason",
            name="code",
            field=models.CharField(
                choices=[
                    ("hold_all", "Every comment is held"),
                    ("first_comment", "No approved comment yet from this name and email"),
                    ("too_many_links", "Too many links"),
                    ("hold_word", "Hold word"),
                    ("disallowed_word", "Disallowed word"),
                    ("low_score", "Low captcha score"),
                    ("captcha_unverified", "Captcha unverified"),
                    ("captcha_unavailable", "Captcha unavailable in the browser"),
                    ("no_javascript", "No JavaScript"),
                    ("no_captcha_token", "No captcha token"),
                    ("honeypot", "Honeypot field filled"),
                    ("too_fast", "Posted too fast"),
                    ("bad_timestamp", "Form timestamp missing or tampered with"),
                ],
                db_index=True,
                max_length=30,
            ),
        ),
    ]
