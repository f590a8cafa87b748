"""The moderation queue's rows: the whole comment and its article, and one-click approve / spam / delete."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.test import Client

from comments.models import Comment
from tests.factories import make_article, make_comment, make_editor, make_user

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/comment/"


def row_action(client, comment, action, *, next_url=f"{QUEUE}?status=pending", **kwargs):
    return client.post(f"{QUEUE}{comment.pk}/moderate/{action}/", {"next": next_url}, **kwargs)


def test_a_row_shows_the_whole_comment_and_links_its_article(moderator_client):
    article = make_article(title="Water and borders")
    long_text = "First line of a long remark.\n" + "word " * 60 + "LAST-WORD"
    comment = make_comment(article=article, body=long_text, status="pending")
    html = moderator_client.get(QUEUE).content.decode()
    assert "First line of a long remark.<br>" in html and "LAST-WORD" in html
    link = f'href="/{article.language}/articles/{article.slug}/#comment-{comment.pk}"'
    assert link in html and "Water and borders" in html


def test_the_queue_offers_each_row_its_buttons_and_the_keys(moderator_client):
    comment = make_comment(status="pending")
    html = moderator_client.get(QUEUE).content.decode()
    assert f'formaction="{QUEUE}{comment.pk}/moderate/approve/"' in html
    assert f'formaction="{QUEUE}{comment.pk}/moderate/spam/"' in html
    assert 'form="comment-row-action"' in html and '<form id="comment-row-action" method="post">' in html
    assert "comments/queue.js" in html and "Keyboard shortcuts" in html
    assert "/moderate/delete/" not in html  # moderators may not delete


def test_approving_from_a_row_approves_that_comment_and_returns_to_the_same_queue(moderator_client):
    article = make_article()
    comment, other = (
        make_comment(article=article, status="pending"),
        make_comment(article=article, status="pending"),
    )
    response = row_action(moderator_client, comment, "approve", next_url=f"{QUEUE}?status=pending&p=1")
    assert response.status_code == 302 and response.url == f"{QUEUE}?status=pending&p=1"
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    assert Comment.objects.get(pk=other.pk).status == "pending"
    assert LogEntry.objects.filter(object_id=str(comment.pk)).exists()
    page = moderator_client.get(response.url).content.decode()
    assert f"The comment by {comment.author_name} is approved." in page


def test_marking_spam_from_a_row(moderator_client):
    comment = make_comment(status="pending")
    row_action(moderator_client, comment, "spam")
    assert Comment.objects.get(pk=comment.pk).status == "spam"


def test_an_editor_deletes_a_comment_from_its_row(editor_client, editor):
    comment = make_comment(status="pending")
    html = editor_client.get(QUEUE).content.decode()
    assert f'formaction="{QUEUE}{comment.pk}/moderate/delete/"' in html and "data-confirm=" in html
    response = row_action(editor_client, comment, "delete")
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert LogEntry.objects.get(object_id=str(comment.pk)).action_flag == DELETION


def test_a_comment_with_replies_is_deleted_only_through_the_page_that_lists_them(editor_client):
    parent = make_comment()
    make_comment(parent=parent, status="pending")
    html = editor_client.get(f"{QUEUE}?status=all").content.decode()
    assert f'href="{QUEUE}{parent.pk}/delete/"' in html
    response = row_action(editor_client, parent, "delete", follow=True)
    assert "This comment has replies" in response.content.decode()
    assert Comment.objects.count() == 2


def test_a_second_click_on_a_deleted_comment_says_it_is_gone(editor_client):
    comment = make_comment(status="pending")
    row_action(editor_client, comment, "delete")
    response = row_action(editor_client, comment, "delete", follow=True)
    assert response.status_code == 200 and "This comment no longer exists." in response.content.decode()


def test_a_moderator_cannot_delete_from_a_row(moderator_client):
    comment = make_comment(status="pending")
    assert row_action(moderator_client, comment, "delete").status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_staff_without_the_moderate_permission_get_no_buttons_and_cannot_post_them(client):
    viewer = make_user(is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    comment = make_comment(status="pending")
    assert "/moderate/" not in client.get(QUEUE).content.decode()
    assert row_action(client, comment, "approve").status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_row_actions_are_posts_with_a_csrf_token(moderator_client):
    comment = make_comment(status="pending")
    assert moderator_client.get(f"{QUEUE}{comment.pk}/moderate/approve/").status_code == 405
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_editor())
    assert row_action(browser, comment, "approve").status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == "pending"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/admin/articles/article/"])
def test_a_row_action_never_leads_off_the_queue(moderator_client, next_url):
    comment = make_comment(status="pending")
    response = row_action(moderator_client, comment, "approve", next_url=next_url)
    assert response.url == QUEUE


@pytest.mark.parametrize("path", ["{pk}/moderate/burn/", "abc/moderate/approve/", "999999/moderate/approve/"])
def test_unknown_actions_and_comments_change_nothing(moderator_client, path):
    comment = make_comment(status="pending")
    response = moderator_client.post(QUEUE + path.format(pk=comment.pk), follow=True)
    assert response.status_code == 200
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_the_queue_costs_the_same_for_3_or_30_comments(moderator_client, django_assert_max_num_queries):
    article = make_article()
    for _ in range(3):
        make_comment(article=article, status="pending")
    with django_assert_max_num_queries(14) as few:
        moderator_client.get(QUEUE)
    for _ in range(27):
        make_comment(article=make_article(), status="pending")
    with django_assert_max_num_queries(len(few.captured_queries)):
        moderator_client.get(QUEUE)
