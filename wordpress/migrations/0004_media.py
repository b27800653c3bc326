# WordPressMedia: an image of a WordPress site -> the library image it became.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wordpress", "0003_site_scope"),
        ("posts", "0012_wordpress_site"),
    ]

    operations = [
        migrations.CreateModel(
            name="WordPressMedia",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "attachment_id",
                    models.BigIntegerField(
                        blank=True,
                        help_text="The attachment's ID on its WordPress site (empty: an upload with no attachment).",
                        null=True,
                    ),
                ),
                (
                    "path",
                    models.CharField(
                        help_text="The file's path in the site's uploads folder, e.g. 2026/03/harbour.jpg.",
                        max_length=500,
                    ),
                ),
                (
                    "source_url",
                    models.CharField(
                        help_text="The file's address on the WordPress site.", max_length=1000
                    ),
                ),
                (
                    "content_hash",
                    models.CharField(
                        db_index=True,
                        help_text="SHA-256 of the file as it was brought over.",
                        max_length=64,
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True)),
                (
                    "image",
                    models.ForeignKey(
                        help_text="The library image the file became.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="posts.image",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        help_text="The WordPress site the file comes from.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="media",
                        to="wordpress.wordpresssite",
                    ),
                ),
            ],
            options={
                "verbose_name": "imported WordPress image",
                "verbose_name_plural": "imported WordPress images",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("site", "path"), name="unique_wordpress_media_path"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("attachment_id__isnull", False)),
                        fields=("site", "attachment_id"),
                        name="unique_wordpress_media_attachment",
                    ),
                ],
            },
        ),
    ]
