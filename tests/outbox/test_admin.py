"""What editors see: failed letters with their reason, on the letter list, the subscriber's and comment's
pages and the dashboard; a retry that sends; the task list and a worker that is missing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.tasks import search_index_rebuild_task
from outbox.models import Letter
from outbox.services import letter_send
from tests.factories import make_comment, make_letter, make_user

pytestmark = pytest.mark.django_db
LETTERS = "/admin/outbox/letter/"
TASKS = "/admin/django_tasks_database/dbtaskresult/"
BROKEN_MAILER = {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend"}}
WORKING_MAILER = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def test_a_failing_mailer_leaves_a_visible_record_that_a_retry_sends(
    admin_client, client, settings, task_queue, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MAILERS = BROKEN_MAILER
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/subscribe/", {"email": "reader@example.org", "language": "en"})
    assert response.status_code == 302  # the visitor is told to check the inbox; the editors are told why not
    task_queue.run()
    letter = Letter.objects.get()
    assert letter.status == "failed"

    listing = admin_client.get(LETTERS, {"status__exact": "failed"}).content.decode()
    assert "reader@example.org" in listing and "OPTIONS must define &#x27;file_path&#x27;" in listing
    subscriber_page = admin_client.get(f"/admin/subscriptions/subscriber/{letter.object_id}/change/")
    assert "OPTIONS must define &#x27;file_path&#x27;" in subscriber_page.content.decode()
    dashboard = admin_client.get("/admin/").content.decode()
    assert "letters failed" in dashboard and "Latest failure: InvalidMailer" in dashboard

    settings.MAILERS = WORKING_MAILER  # the set-up is fixed, then the letter is sent again by hand
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(LETTERS, {"action": "retry_selected", "_selected_action": [letter.pk]})
    task_queue.run()
    letter.refresh_from_db()
    assert letter.status == "sent" and [m.to for m in mailoutbox] == [["reader@example.org"]]


def test_the_retry_action_needs_the_retry_permission(client, task_queue, mailoutbox):
    letter = make_letter(to="a@example.org", subject="s", body="b", kind="test", status="failed")
    client.force_login(make_user(is_staff=True, permissions=["view_letter"]))
    assert "retry_selected" not in client.get(LETTERS).content.decode()
    client.post(LETTERS, {"action": "retry_selected", "_selected_action": [letter.pk]})
    assert Letter.objects.get().status == "failed" and task_queue.run() == 0


def test_letters_cannot_be_written_or_edited_by_hand(admin_client):
    letter = make_letter(to="a@example.org", subject="s", body="b", kind="test")
    assert admin_client.get(f"{LETTERS}add/").status_code == 403
    page = admin_client.get(f"{LETTERS}{letter.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "a@example.org" in page


def test_a_comment_page_shows_the_letters_about_it(admin_client, settings):
    comment = make_comment(status="pending")
    letter_send(to="desk@example.org", subject="Waiting", body="b", kind="comment_pending", about=comment)
    Letter.objects.update(status="failed", last_error="SMTPServerDisconnected: gone")
    page = admin_client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    assert "Comment waiting for moderation" in page and "SMTPServerDisconnected: gone" in page


def test_the_letter_list_costs_the_same_for_3_or_30_letters(admin_client, django_assert_max_num_queries):
    for n in range(30):
        make_letter(to=f"r{n}@example.org", subject="s", body="b", kind="test", status="failed")
    with django_assert_max_num_queries(10):
        assert admin_client.get(LETTERS).status_code == 200


def test_staff_with_the_view_permission_read_the_task_list_and_others_do_not(client, task_queue):
    result = search_index_rebuild_task.enqueue()
    client.force_login(make_user(is_staff=True, permissions=["view_dbtaskresult"]))
    assert "search_index_rebuild_task" in client.get(TASKS).content.decode()
    assert client.get(f"{TASKS}{result.id}/change/").status_code == 200
    client.force_login(make_user(is_staff=True))
    assert client.get(TASKS).status_code == 403


def test_a_failed_task_is_run_again_from_the_task_list(admin_client, task_queue):
    search_index_rebuild_task.enqueue()
    failed = DBTaskResult.objects.get()
    failed.set_failed(RuntimeError("the database went away"))
    page = admin_client.get(TASKS, {"status__exact": "FAILED"}).content.decode()
    assert "builtins.RuntimeError" in page
    admin_client.post(TASKS, {"action": "run_again", "_selected_action": [failed.pk]})
    assert task_queue.run() == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1


def test_the_dashboard_says_when_tasks_wait_and_no_worker_takes_them(admin_client, settings, task_queue):
    settings.OUTBOX_WORKER_ALERT_SECONDS = 120
    search_index_rebuild_task.enqueue()
    assert "no worker is taking them" not in admin_client.get("/admin/").content.decode()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    html = admin_client.get("/admin/").content.decode()
    assert "Tasks have been waiting for 10\xa0minutes: no worker is taking them" in html
    task_queue.run()
    assert "no worker is taking them" not in admin_client.get("/admin/").content.decode()
