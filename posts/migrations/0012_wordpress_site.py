# Article.wordpress_id is no longer unique: two WordPress sites may share an ID
# (wordpress.WordPressItem records which site each article came from).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0011_page_comments"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="wordpress_id",
            field=models.BigIntegerField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="The post's ID on the WordPress site it was imported from (two sites "
                "may share an ID: wordpress.WordPressItem tells them apart).",
                null=True,
            ),
        ),
    ]
