"""Staff users with their roles (the groups the data migrations make)."""

import importlib

from django.contrib.auth.models import Group, Permission, User

from tests.factories._sequence import next_number

PASSWORD = "a-good-long-password"  # every user's password unless overridden

ROLE_MIGRATIONS = [
    ("articles.migrations.0002_editors_group", "create_editors"),
    ("issues.migrations.0003_editors_manage_events", "grant"),
    ("comments.migrations.0002_moderators_group", "grant"),
    ("subscriptions.migrations.0002_groups", "grant"),
    ("articles.migrations.0008_embargo_and_whole_text_search", "grant"),
    ("readers.migrations.0002_subscriber_managers", "grant"),
    ("issuecodes.migrations.0002_subscriber_managers", "grant"),
    ("printsubscribers.migrations.0002_subscriber_managers", "grant"),
    ("institutions.migrations.0002_subscriber_managers", "grant"),
    ("reach.migrations.0002_editors", "grant"),
]


def ensure_roles():
    """The groups the data migrations create; transactional tests flush them, so make them again.

    The migrations' functions run here with the project's app registry rather than a migration
    state's, and `desk.groups.group_grant` sets every app's `models_module` (None in a migration
    state) to None when done: put the real modules back, or a later `flush` would skip every app's
    post_migrate handlers and leave the database without content types and permissions.
    """
    from django.apps import apps

    configs = list(apps.get_app_configs())
    modules = [config.models_module for config in configs]
    try:
        for module, function in ROLE_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)
    finally:
        for config, models_module in zip(configs, modules, strict=True):
            config.models_module = models_module


def make_user(*, groups=(), permissions=(), **overrides):
    """A user in the named `groups`, holding the `permissions` (codenames) directly."""
    n = next_number()
    user = User.objects.create_user(**{"username": f"user{n}", "password": PASSWORD} | overrides)
    if groups and Group.objects.filter(name__in=groups).count() < len(set(groups)):
        ensure_roles()
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    if permissions:
        user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    return user


def make_editor(**overrides):
    return make_user(groups=["Editors"], is_staff=True, **overrides)


def make_manager(**overrides):
    """A subscriber manager: readers' access, codes, print subscriptions, institutions, subscribers."""
    return make_user(groups=["Subscriber managers"], is_staff=True, **overrides)


def make_moderator(**overrides):
    return make_user(groups=["Moderators"], is_staff=True, **overrides)
