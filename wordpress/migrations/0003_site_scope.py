# WordPress IDs scoped by site: WordPressSite, WordPressItem (site, kind, ID) -> article or
# page, and LegacyRedirect.page. Articles imported before this belong to a site with no
# address yet; the first export imported afterwards adopts it (see WordPressImporter).
import django.db.models.deletion
from django.db import migrations, models


def items_of_the_first_site(apps, schema_editor):
    Article = apps.get_model("posts", "Article")
    WordPressSite = apps.get_model("wordpress", "WordPressSite")
    WordPressItem = apps.get_model("wordpress", "WordPressItem")
    imported = Article.objects.filter(wordpress_id__isnull=False).order_by("pk")
    if not imported.exists():
        return
    site = WordPressSite.objects.create(base_url="")
    batch = []
    for pk, wordpress_id in imported.values_list("pk", "wordpress_id").iterator():
        batch.append(
            WordPressItem(site=site, kind="post", wordpress_id=wordpress_id, article_id=pk)
        )
        if len(batch) >= 1000:
            WordPressItem.objects.bulk_create(batch)
            batch = []
    WordPressItem.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("wordpress", "0002_wordpress_labels"),
        ("posts", "0012_wordpress_site"),
        ("comments", "0010_wordpress_site"),
    ]

    operations = [
        migrations.CreateModel(
            name="WordPressSite",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "base_url",
                    models.CharField(
                        blank=True,
                        help_text="The site's address as its exports give it, without a trailing slash; empty for the site of items imported before sites were told apart.",
                        max_length=500,
                        unique=True,
                    ),
                ),
                (
                    "last_export_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the newest export imported from this site was made (its <pubDate>). An older export adds what is missing but changes nothing.",
                        null=True,
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "WordPress site",
                "verbose_name_plural": "WordPress sites",
                "ordering": ["pk"],
            },
        ),
        migrations.AddField(
            model_name="legacyredirect",
            name="page",
            field=models.ForeignKey(
                blank=True,
                help_text="The page the old address leads to.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="legacy_redirects",
                to="posts.page",
            ),
        ),
        migrations.CreateModel(
            name="WordPressItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("post", "Post"), ("page", "Page")],
                        help_text="A post or a page.",
                        max_length=10,
                    ),
                ),
                (
                    "wordpress_id",
                    models.BigIntegerField(help_text="The item's ID on its WordPress site."),
                ),
                (
                    "fingerprint",
                    models.CharField(
                        blank=True,
                        help_text="A digest of what the import last wrote (empty: unknown, taken as unchanged).",
                        max_length=64,
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        help_text="The article a post became.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="posts.article",
                    ),
                ),
                (
                    "page",
                    models.ForeignKey(
                        blank=True,
                        help_text="The page a page became.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="posts.page",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        help_text="The WordPress site the item comes from.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="wordpress.wordpresssite",
                    ),
                ),
            ],
            options={
                "verbose_name": "imported WordPress item",
                "verbose_name_plural": "imported WordPress items",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("site", "kind", "wordpress_id"), name="unique_wordpress_item"
                    )
                ],
            },
        ),
        migrations.RunPython(items_of_the_first_site, migrations.RunPython.noop),
    ]
