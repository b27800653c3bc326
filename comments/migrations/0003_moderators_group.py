from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = ["view_comment", "change_comment", "moderate_comment"]


def create_moderators_group(apps, schema_editor):
    """The Moderators group: view, change and moderate comments, nothing else."""
    # Permissions are normally created after migrate; make sure they exist now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="comments",
            content_type__model="comment",
            codename__in=MODERATOR_PERMISSIONS,
        )
    )


def remove_moderators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_discussion_settings_hold_reasons"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]
