"""Roles are groups made by migrations; a staff user in one group reaches exactly its part of the admin."""

from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import EmbargoSettings
from comments.models import Comment, DiscussionSettings
from institutions.models import Institution
from issues.models import Contacts
from tests.factories import (
    make_announcement,
    make_article,
    make_author,
    make_batch,
    make_comment,
    make_delivery,
    make_event,
    make_grant,
    make_issue,
    make_reader,
    make_section,
    make_subscriber,
    make_subscription,
    make_telegram_post,
    make_user,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # whitenoise: no collectstatic here
]

EDITORS, MODERATORS, MANAGERS = "Editors", "Moderators", "Subscriber managers"
ROLES = [EDITORS, MODERATORS, MANAGERS]
ALL = frozenset({"view", "add", "change", "delete"})


def crud(app, model):
    return {f"{app}.{action}_{model}" for action in ("add", "change", "delete", "view")}


# What the data migrations grant, spelled out: a migration that widens (or narrows) a role fails here.
GROUP_PERMISSIONS = {
    EDITORS: {
        *crud("magazine", "issue"),
        *crud("magazine", "section"),
        *crud("magazine", "contacts"),
        *crud("magazine", "event"),
        *crud("articles", "article"),
        *crud("articles", "articleblock"),
        *crud("articles", "author"),
        *crud("taggit", "tag"),
        *crud("taggit", "taggeditem"),
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
        "comments.moderate_comment",
        "comments.view_discussionsettings",
        "comments.change_discussionsettings",
        "articles.view_embargosettings",
        "articles.change_embargosettings",
        "subscriptions.view_announcement",
        "subscriptions.add_announcement",
        "subscriptions.send_announcement",
        "reach.view_telegrampost",
        "reach.retry_telegrampost",
    },
    MODERATORS: {"comments.view_comment", "comments.change_comment", "comments.moderate_comment"},
    MANAGERS: {
        *crud("subscriptions", "subscriber"),
        *crud("subscriptions", "announcement"),
        *crud("subscriptions", "delivery"),
        "subscriptions.send_announcement",
        *crud("readers", "reader"),
        "readers.view_accessgrant",
        "readers.add_accessgrant",
        "readers.change_accessgrant",
        "issuecodes.add_codebatch",
        "issuecodes.change_codebatch",
        "issuecodes.view_codebatch",
        "issuecodes.view_code",
        "issuecodes.view_redemption",
        "printsubscribers.view_printsubscription",
        "printsubscribers.add_printsubscription",
        "printsubscribers.change_printsubscription",
        "institutions.view_institution",
        "institutions.add_institution",
        "institutions.change_institution",
        *crud("institutions", "institutionrange"),
        "institutions.view_institutionreading",
    },
}

# The admin pages each role opens: the permissions above, narrowed where a ModelAdmin says no to everyone
# (comments and subscribers are never added by hand, deliveries are a read-only log, the one contacts row
# and the one discussion-settings row are never added again or deleted). Every other registered model: 403.
ADMIN_ACCESS = {
    EDITORS: {
        "articles.article": ALL,
        "articles.author": ALL,
        "magazine.issue": ALL,
        "magazine.section": ALL,
        "magazine.event": ALL,
        "magazine.contacts": {"view", "change", "delete"},
        "taggit.tag": ALL,
        "comments.comment": {"view", "change", "delete"},
        "comments.discussionsettings": {"view", "change"},
        "articles.embargosettings": {"view", "change"},
        "subscriptions.announcement": {"view", "add"},
        # Posts are written when an article is published; editors look and send a failed one again.
        "reach.telegrampost": {"view"},
    },
    MODERATORS: {"comments.comment": {"view", "change"}},
    MANAGERS: {
        "subscriptions.subscriber": {"view", "change", "delete"},
        "subscriptions.announcement": ALL,
        "subscriptions.delivery": {"view", "delete"},
        # Grants are revoked, never deleted: the record of who could read what.
        "readers.reader": ALL,
        "readers.accessgrant": {"view", "add", "change"},
        # Batches of codes are revoked, never deleted.
        "issuecodes.codebatch": {"view", "add", "change"},
        # A subscription is unlinked (its grant revoked), never deleted by a manager.
        "printsubscribers.printsubscription": {"view", "add", "change"},
        # An institution is made inactive (its readers' grants revoked), never deleted by a manager.
        "institutions.institution": {"view", "add", "change"},
    },
}
ADMIN_MODELS = [
    "articles.article",
    "articles.author",
    "magazine.issue",
    "magazine.section",
    "magazine.event",
    "magazine.contacts",
    "taggit.tag",
    "comments.comment",
    "comments.discussionsettings",
    "articles.embargosettings",
    "subscriptions.subscriber",
    "subscriptions.announcement",
    "subscriptions.delivery",
    "readers.reader",
    "readers.accessgrant",
    "issuecodes.codebatch",
    "printsubscribers.printsubscription",
    "institutions.institution",
    "reach.telegrampost",
    "auth.user",
    "auth.group",
]


@pytest.fixture
def objects():
    """One row of every model the admin shows, by "app.model"."""
    issue = make_issue()
    article = make_article(issue=issue, section=make_section())
    comment = make_comment(article=article, status=Comment.Status.PENDING)
    DiscussionSettings().save()
    EmbargoSettings().save()
    Contacts().save()
    subscriber = make_subscriber(email="reader@example.org")
    reader = make_reader(email="someone@example.org")
    announcement = make_announcement(issue=issue)
    return {
        "articles.article": article.pk,
        "articles.author": make_author().pk,
        "magazine.issue": issue.pk,
        "magazine.section": article.section_id,
        "magazine.event": make_event(title="Round table", starts_at=timezone.now()).pk,
        "magazine.contacts": 1,
        "taggit.tag": Tag.objects.create(name="water", slug="water").pk,
        "comments.comment": comment.pk,
        "comments.discussionsettings": 1,
        "subscriptions.subscriber": subscriber.pk,
        "subscriptions.announcement": announcement.pk,
        "subscriptions.delivery": make_delivery(announcement=announcement, subscriber=subscriber).pk,
        "readers.reader": reader.pk,
        "readers.accessgrant": make_grant(reader=reader).pk,
        "issuecodes.codebatch": make_batch(issue=issue)[0].pk,
        "printsubscribers.printsubscription": make_subscription(
            number="1042", postal_code="100017", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
        ).pk,
        "institutions.institution": Institution.objects.create(
            name="University", starts_on=date(2026, 1, 1)
        ).pk,
        "articles.embargosettings": 1,
        "reach.telegrampost": make_telegram_post(article=article, language=article.language).pk,
        "auth.user": make_user().pk,
        "auth.group": Group.objects.get(name=EDITORS).pk,
    }


def login(client, role):
    client.force_login(make_user(groups=[role], is_staff=True))
    return client


def admin_url(model, view, *args):
    app, name = model.split(".")
    return reverse(f"admin:{app}_{name}_{view}", args=args)


def permissions_of(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{perm.content_type.app_label}.{perm.codename}"
        for perm in group.permissions.select_related("content_type")
    }


# The groups


def test_the_migrations_make_exactly_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_holds_exactly_its_permissions(role):
    assert permissions_of(role) == GROUP_PERMISSIONS[role]


def test_moderators_and_subscriber_managers_hold_nothing_outside_their_app():
    assert {perm.partition(".")[0] for perm in permissions_of(MODERATORS)} == {"comments"}
    assert {perm.partition(".")[0] for perm in permissions_of(MANAGERS)} == {
        "subscriptions",
        "readers",
        "issuecodes",
        "printsubscribers",
        "institutions",
    }


def test_no_role_may_manage_users_groups_or_permissions():
    for role in ROLES:
        assert not {perm for perm in permissions_of(role) if perm.startswith(("auth.", "contenttypes."))}


# The admin, page by page


@pytest.mark.parametrize("model", ADMIN_MODELS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_admin_pages_it_is_granted(client, objects, role, model):
    allowed = ADMIN_ACCESS[role].get(model, set())
    login(client, role)
    pk = objects[model]

    changelist = client.get(admin_url(model, "changelist"))
    # The discussion and embargo settings' list pages lead straight to their one row.
    opened = 302 if model in ("comments.discussionsettings", "articles.embargosettings") else 200
    assert changelist.status_code == (opened if "view" in allowed else 403)
    assert client.get(admin_url(model, "add")).status_code == (200 if "add" in allowed else 403)
    change = client.get(admin_url(model, "change", pk))
    assert change.status_code == (200 if "view" in allowed else 403)
    if change.status_code == 200:  # a view-only page for a role that may look but not edit
        assert change.context_data["has_change_permission"] == ("change" in allowed)
    assert client.get(admin_url(model, "delete", pk)).status_code == (200 if "delete" in allowed else 403)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_post_changes_only_where_it_is_granted(client, objects, role):
    """A change POST is refused with 403 wherever the role may not change; nothing is saved."""
    login(client, role)
    section_url = admin_url("magazine.section", "change", objects["magazine.section"])
    response = client.post(section_url, {"name": "Renamed", "slug": "renamed", "position": 1})
    assert response.status_code == (302 if role == EDITORS else 403)
    response = client.post(admin_url("auth.user", "change", objects["auth.user"]), {"is_superuser": "on"})
    assert response.status_code == 403
    subscriber_delete = admin_url("subscriptions.subscriber", "delete", objects["subscriptions.subscriber"])
    response = client.post(subscriber_delete, {"post": "yes"})
    assert response.status_code == (302 if role == MANAGERS else 403)


def test_every_role_sees_the_admin_index(client):
    for role in ROLES:
        login(client, role)
        assert client.get(reverse("admin:index")).status_code == 200


# Actions


def changelist_action(client, model, action, pks):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "index": 0, "_selected_action": [str(pk) for pk in pks]},
    )


@pytest.mark.parametrize(("role", "status"), [(EDITORS, 302), (MODERATORS, 302), (MANAGERS, 403)])
def test_editors_and_moderators_can_approve_comments_and_managers_cannot(client, role, status):
    comment = make_comment(status=Comment.Status.PENDING)
    login(client, role)
    assert (
        changelist_action(client, "comments.comment", "approve_selected", [comment.pk]).status_code == status
    )
    comment.refresh_from_db()
    assert (comment.status == Comment.Status.APPROVED) == (status == 302)


def test_moderators_cannot_delete_comments_by_action_or_by_page(client):
    comment = make_comment(status=Comment.Status.PENDING)
    login(client, MODERATORS)
    response = client.get(admin_url("comments.comment", "changelist"))
    assert "delete_selected" not in dict(response.context_data["action_form"].fields["action"].choices)
    changelist_action(client, "comments.comment", "delete_selected", [comment.pk])
    assert (
        client.post(admin_url("comments.comment", "delete", comment.pk), {"post": "yes"}).status_code == 403
    )
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_nobody_adds_a_comment_in_the_admin(client, objects, role):
    login(client, role)
    data = {"article": objects["articles.article"], "author_name": "X", "author_email": "x@example.com"}
    assert client.post(admin_url("comments.comment", "add"), data | {"body": "Hi"}).status_code == 403


def test_subscriber_managers_can_export_subscribers_as_csv(client, objects):
    login(client, MANAGERS)
    response = changelist_action(
        client, "subscriptions.subscriber", "export_csv", [objects["subscriptions.subscriber"]]
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "reader@example.org" in response.content.decode()


@pytest.mark.parametrize("role", [EDITORS, MODERATORS])
def test_no_other_role_can_export_subscribers(client, objects, role):
    login(client, role)
    response = changelist_action(
        client, "subscriptions.subscriber", "export_csv", [objects["subscriptions.subscriber"]]
    )
    assert response.status_code == 403
    assert b"reader@example.org" not in response.content


# The rich-text editor's upload and browse views

CKEDITOR_PATHS = ["/ckeditor/upload/", "/ckeditor/browse/", "/uz/ckeditor/upload/", "/uz/ckeditor/browse/"]


def test_the_ckeditor_uploader_is_not_installed():
    assert "ckeditor_uploader" not in settings.INSTALLED_APPS
    for name in ("ckeditor_upload", "ckeditor_browse"):
        with pytest.raises(NoReverseMatch):
            reverse(name)


@pytest.mark.parametrize("role", [None, *ROLES, "superuser"])
def test_ckeditor_upload_and_browse_are_404_for_everyone(client, role):
    if role == "superuser":
        client.force_login(make_user(is_staff=True, is_superuser=True))
    elif role:
        login(client, role)
    for path in CKEDITOR_PATHS:
        assert client.get(path).status_code == 404, path
        upload = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
        assert client.post(path, {"upload": upload}).status_code == 404, path


# Sign-in

ADMIN_PAGES = [
    "/admin/",
    "/admin/articles/article/",
    "/admin/articles/article/add/",
    "/admin/comments/comment/",
    "/admin/subscriptions/subscriber/",
    "/admin/auth/user/",
]


@pytest.mark.parametrize("who", ["anonymous", "reader", "editor without staff status"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_people_without_staff_status_are_sent_to_the_admin_sign_in(client, who, path):
    if who == "reader":
        client.force_login(make_user())
    elif who == "editor without staff status":
        client.force_login(make_user(groups=[EDITORS]))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login") + "?next=")
