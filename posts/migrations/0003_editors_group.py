"""
Formerly made a staff group in a data migration; kept so the migration graph
stays the same. The Editors group is made by posts.signals.create_editors after every migrate.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("posts", "0002_article_image_help"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
