import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group

from comments.models import Comment, DiscussionSettings
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/comment/"


def action(client, name, comments, *, status="pending"):
    return client.post(
        f"{QUEUE}?status={status}",
        {"action": name, "_selected_action": [str(c.pk) for c in comments]},
        follow=True,
    )


def test_the_moderators_group_has_exactly_the_moderation_permissions():
    perms = Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    assert sorted(perms) == ["change_comment", "moderate_comment", "view_comment"]


def test_editors_can_moderate_and_change_the_discussion_settings():
    perms = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"moderate_comment", "delete_comment", "change_discussionsettings"} <= perms


def test_the_queue_shows_pending_comments_their_count_article_and_the_authors_other_comments(
    moderator_client,
):
    article = make_article(title="Water and borders")
    make_comment(author_email="aziz@example.com", body="An earlier approved one.")
    make_comment(article=article, author_email="aziz@example.com", body="Waiting text.", status="pending")
    make_comment(article=article, body="Another one waiting.", status="pending")
    make_comment(article=article, body="Already public.")
    response = moderator_client.get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 comments await moderation" in html
    assert "Waiting text." in html and "Water and borders" in html
    assert "Already public." not in html
    assert "author_email__exact=aziz%40example.com" in html


def test_all_statuses_are_one_click_away(moderator_client):
    make_comment(body="Already public.")
    assert "Already public." in moderator_client.get(f"{QUEUE}?status=all").content.decode()


def test_a_moderator_approves_in_bulk(moderator_client):
    article = make_article()
    waiting = [make_comment(article=article, status="pending") for _ in range(3)]
    response = action(moderator_client, "approve_selected", waiting[:2])
    assert "2 comments approved." in response.content.decode()
    statuses = [Comment.objects.get(pk=c.pk).status for c in waiting]
    assert statuses == ["approved", "approved", "pending"]
    assert Comment.objects.get(pk=waiting[0].pk).approved_at is not None
    assert LogEntry.objects.filter(object_id=str(waiting[0].pk)).exists()


@pytest.mark.parametrize("name, status", [("reject_selected", "rejected"), ("mark_spam_selected", "spam")])
def test_a_moderator_rejects_or_marks_spam_in_bulk(moderator_client, name, status):
    comments = [make_comment(status="pending"), make_comment(status="approved")]
    action(moderator_client, name, comments, status="all")
    assert {c.status for c in Comment.objects.all()} == {status}
    assert not Comment.objects.filter(approved_at__isnull=False).exists()


def test_a_moderator_can_do_nothing_else(moderator_client):
    assert moderator_client.get("/admin/articles/article/").status_code == 403
    assert moderator_client.get("/admin/comments/discussionsettings/").status_code == 403
    comment = make_comment(status="pending")
    moderator_client.post(QUEUE, {"action": "delete_selected", "_selected_action": [str(comment.pk)]})
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_staff_without_the_moderate_permission_get_no_moderation_actions(client):
    user = make_user(is_staff=True)
    user.user_permissions.add(
        *Group.objects.get(name="Moderators").permissions.exclude(codename="moderate_comment")
    )
    client.force_login(user)
    comment = make_comment(status="pending")
    assert "approve_selected" not in client.get(QUEUE).content.decode()
    action(client, "approve_selected", [comment])
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_editors_change_the_discussion_settings_without_a_deploy(editor_client):
    response = editor_client.get("/admin/comments/discussionsettings/")
    assert response.status_code == 302
    data = {
        "comments_enabled": "",
        "close_after_days": "30",
        "moderation": "approve_known",
        "notify_editors": "on",
        "max_links": "1",
        "min_seconds_to_post": "5",
        "blocked_words": "casino",
        "blocked_emails": "",
        "blocked_ips": "",
    }
    response = editor_client.post(response["Location"], data)
    assert response.status_code == 302
    discussion = DiscussionSettings.load()
    assert not discussion.comments_enabled and discussion.close_after_days == 30
    assert discussion.moderation == "approve_known"


def test_the_change_form_cannot_set_a_status(editor_client):
    comment = make_comment(status="pending", body="Typo hre.")
    url = f"{QUEUE}{comment.pk}/change/"
    data = {"author_name": comment.author_name, "author_url": "", "body": "Typo here.", "status": "approved"}
    assert editor_client.post(url, data).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Typo here." and comment.status == "pending"
