"""Least-privilege staff groups, made (and kept exact) after every migrate."""

from django.contrib.auth.models import Group, Permission


def ensure_group(name: str, app_label: str, codenames: list[str], using: str = "default") -> Group:
    """
    Create the group ``name`` if needed and give it exactly these permissions
    of ``app_label``; raise when one of them does not exist.
    """
    permissions = Permission.objects.using(using).filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    found = {permission.codename for permission in permissions}
    if missing := sorted(set(codenames) - found):
        raise RuntimeError(f"Cannot make the {name} group: missing permissions {missing}.")
    group, _ = Group.objects.using(using).get_or_create(name=name)
    group.permissions.set(permissions)
    return group


def grant_permissions(
    name: str, app_label: str, codenames: list[str], using: str = "default"
) -> Group:
    """
    Give the group ``name`` (made if needed) exactly these permissions of
    ``app_label``, keeping its permissions of other apps: how an app adds its
    own models to a group another app made. Raise when one does not exist.
    """
    permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    )
    found = {permission.codename for permission in permissions}
    if missing := sorted(set(codenames) - found):
        raise RuntimeError(f"Cannot give the {name} group {app_label}'s {missing}: missing.")
    group, _ = Group.objects.using(using).get_or_create(name=name)
    others = group.permissions.exclude(content_type__app_label=app_label)
    group.permissions.set([*others, *permissions])
    return group
