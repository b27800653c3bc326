"""
Formerly made a staff group in a data migration; kept so the migration graph
stays the same. The Moderators group is made by comments.signals.create_moderators after every migrate.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_discussion_settings_hold_reasons"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
