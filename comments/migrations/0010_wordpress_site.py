# What the WordPress import last wrote into a comment, to keep changes made here.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0009_comment_page"),
        ("posts", "0012_wordpress_site"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="wordpress_fingerprint",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="A digest of the text and status the WordPress import last wrote: "
                "when they differ now, the comment was changed here and a re-import keeps it.",
                max_length=16,
            ),
        ),
    ]
