"""Roles as groups, created by data migrations: each app's migration calls `group_grant`."""

from django.contrib.auth.management import create_permissions


def group_grant(apps, group_name, perms):
    """Give `group_name` the permissions in `perms` ("app_label.codename"), creating the group."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for perm in perms:
        app_label, codename = perm.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


def group_revoke(apps, group_name, *, app_label=None, perms=None):
    """Undo `group_grant`: delete the group, or take away only that app's permissions (`app_label`)
    or only `perms` ("app_label.codename")."""
    Group = apps.get_model("auth", "Group")
    if app_label is None and perms is None:
        Group.objects.filter(name=group_name).delete()
        return
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        return
    if app_label is not None:
        group.permissions.remove(*group.permissions.filter(content_type__app_label=app_label))
    for perm in perms or []:
        label, codename = perm.split(".")
        group.permissions.remove(*group.permissions.filter(content_type__app_label=label, codename=codename))
