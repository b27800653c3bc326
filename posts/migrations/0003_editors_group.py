"""
The "Editors" group: everything about articles, quotations, tags, outlets and
authors, and changing the site settings; nothing else (no users, no comments).
"""

from django.db import migrations

EDITORS = "Editors"
EDITOR_PERMISSIONS = {
    "article": ["add", "change", "delete", "view"],
    "quotation": ["add", "change", "delete", "view"],
    "tag": ["add", "change", "delete", "view"],
    "outlet": ["add", "change", "delete", "view"],
    "author": ["add", "change", "delete", "view"],
    "sitesettings": ["change", "view"],
}


def create_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations have run; make
    # sure the posts ones exist now.
    posts_config = apps.get_app_config("posts")
    models_module = getattr(posts_config, "models_module", None)
    posts_config.models_module = True  # create_permissions skips apps without one.
    try:
        create_permissions(
            posts_config, apps=apps, verbosity=0, using=schema_editor.connection.alias
        )
    finally:
        posts_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    codenames = [
        f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions
    ]
    permissions = Permission.objects.using(db).filter(
        content_type__app_label="posts", codename__in=codenames
    )
    if permissions.count() != len(codenames):
        raise RuntimeError("Some posts permissions are missing; cannot create the Editors group.")
    group, _ = Group.objects.using(db).get_or_create(name=EDITORS)
    group.permissions.set(permissions)


def remove_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("posts", "0002_article_image_help"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
