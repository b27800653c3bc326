# Pages take comments when an editor switches them on (off by default).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0010_trash"),
    ]

    operations = [
        migrations.AddField(
            model_name="page",
            name="comments_open",
            field=models.BooleanField(
                default=False,
                help_text="Readers may leave replies under this page (off for most pages).",
            ),
        ),
    ]
