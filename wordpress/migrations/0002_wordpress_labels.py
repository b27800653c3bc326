# "WordPress" spelt so in the admin, and help texts on the term's fields.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("wordpress", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="wordpressterm",
            options={"verbose_name": "WordPress term", "verbose_name_plural": "WordPress terms"},
        ),
        migrations.AlterField(
            model_name="wordpressterm",
            name="tag",
            field=models.ForeignKey(
                help_text="The tag this term became on this site.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="posts.tag",
            ),
        ),
        migrations.AlterField(
            model_name="wordpressterm",
            name="taxonomy",
            field=models.CharField(
                choices=[("category", "Category"), ("post_tag", "Tag")],
                help_text="A WordPress category or a WordPress tag.",
                max_length=20,
            ),
        ),
    ]
