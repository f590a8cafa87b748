import pytest
from django.contrib.auth.models import Group, Permission

from subscriptions.models import Announcement, Delivery, Subscriber
from tests.factories import make_announcement, make_delivery, make_issue, make_subscriber, make_user

pytestmark = pytest.mark.django_db
SUBSCRIBERS = "/admin/subscriptions/subscriber/"
ANNOUNCEMENTS = "/admin/subscriptions/announcement/"


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_subscriber_managers_hold_exactly_the_subscriptions_permissions():
    held = {perm for perm in perms("Subscriber managers") if perm.startswith("subscriptions.")}
    assert held == {
        f"subscriptions.{action}_{model}"
        for model in ("subscriber", "announcement", "delivery")
        for action in ("add", "change", "delete", "view")
    } | {"subscriptions.send_announcement"}


def test_editors_may_create_and_send_announcements_but_not_see_subscribers():
    held = {perm for perm in perms("Editors") if perm.startswith("subscriptions.")}
    assert held == {
        "subscriptions.view_announcement",
        "subscriptions.add_announcement",
        "subscriptions.send_announcement",
    }


def test_an_editor_cannot_open_the_subscriber_list(editor_client):
    make_subscriber()
    assert editor_client.get(SUBSCRIBERS).status_code == 403


def test_the_subscriber_list_shows_counts_per_status_and_filters_and_searches(manager_client):
    make_subscriber(email="ada@example.org")
    make_subscriber(email="bob@example.org", status=Subscriber.Status.PENDING)
    make_subscriber(email="cyd@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    make_subscriber(email="dan@example.org", status=Subscriber.Status.PENDING)
    html = manager_client.get(SUBSCRIBERS).content.decode()
    assert "<strong>Pending confirmation</strong>: 2" in html
    assert "<strong>Confirmed</strong>: 1" in html and "<strong>Unsubscribed</strong>: 1" in html
    filtered = manager_client.get(SUBSCRIBERS, {"status__exact": "pending"}).content.decode()
    assert "bob@example.org" in filtered and "ada@example.org" not in filtered
    searched = manager_client.get(SUBSCRIBERS, {"q": "cyd"}).content.decode()
    assert "cyd@example.org" in searched and "bob@example.org" not in searched


def test_subscribers_cannot_be_added_by_hand(manager_client):
    assert manager_client.get(f"{SUBSCRIBERS}add/").status_code == 403


def test_the_csv_export_lists_the_selected_subscribers_and_defuses_formulas(manager_client):
    plain = make_subscriber(email="ada@example.org", language="ru")
    formula = make_subscriber(email="=cmd@example.org")
    response = manager_client.post(
        SUBSCRIBERS, {"action": "export_csv", "_selected_action": [plain.pk, formula.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().splitlines()
    assert rows[0] == "email,language,status,created_at,confirmed_at,unsubscribed_at"
    assert rows[1].startswith("ada@example.org,ru,confirmed,")
    assert rows[2].startswith("'=cmd@example.org,")


def test_the_unsubscribe_action_unsubscribes_the_selected_subscribers(manager_client):
    subscriber = make_subscriber()
    manager_client.post(SUBSCRIBERS, {"action": "unsubscribe_selected", "_selected_action": [subscriber.pk]})
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_an_editor_creates_the_announcement_of_a_published_issue(editor_client):
    issue = make_issue()
    draft = make_issue(is_published=False)
    form = editor_client.get(f"{ANNOUNCEMENTS}add/").content.decode()
    assert f'value="{issue.pk}"' in form and f'value="{draft.pk}"' not in form
    response = editor_client.post(f"{ANNOUNCEMENTS}add/", {"issue": issue.pk})
    assert response.status_code == 302
    assert Announcement.objects.get().issue == issue


def test_the_announcement_list_counts_deliveries_in_one_query(editor_client, django_assert_max_num_queries):
    subscribers = [make_subscriber() for _ in range(3)]
    for _ in range(5):
        announcement = make_announcement()
        for subscriber, status in zip(subscribers, ["sent", "failed", "pending"], strict=True):
            make_delivery(announcement=announcement, subscriber=subscriber, status=status)
    with django_assert_max_num_queries(9):  # 8, and django-otp loading the session's second factor
        html = editor_client.get(ANNOUNCEMENTS).content.decode()
    assert html.count('<td class="field-sent">1</td>') == 5
    assert html.count('<td class="field-failed">1</td>') == 5
    assert html.count('<td class="field-pending">1</td>') == 5


def test_an_editor_sends_an_announcement_from_the_admin(editor_client, mailoutbox, settings):
    settings.SUBSCRIPTIONS_SEND_RATE = 0
    announcement = make_announcement()
    make_subscriber()
    make_subscriber(status=Subscriber.Status.PENDING)
    response = editor_client.post(
        ANNOUNCEMENTS, {"action": "send_now", "_selected_action": [announcement.pk]}, follow=True
    )
    assert len(mailoutbox) == 1
    assert f"Issue {announcement.issue.label}: 1 sent, 0 failed, 0 remaining." in response.content.decode()


def test_the_send_action_is_offered_only_to_those_allowed_to_send(client, mailoutbox):
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_announcement"))
    client.force_login(viewer)
    announcement = make_announcement()
    make_subscriber()
    assert "send_now" not in client.get(ANNOUNCEMENTS).content.decode()
    client.post(ANNOUNCEMENTS, {"action": "send_now", "_selected_action": [announcement.pk]})
    assert mailoutbox == []


def test_the_delivery_log_is_read_only(manager_client):
    announcement = make_announcement()
    delivery = make_delivery(announcement=announcement, subscriber=make_subscriber(), status="failed")
    response = manager_client.get(f"/admin/subscriptions/delivery/{delivery.pk}/change/")
    assert response.status_code == 200 and 'name="_save"' not in response.content.decode()
    assert manager_client.get("/admin/subscriptions/delivery/add/").status_code == 403


def test_a_subscribers_page_shows_the_announcements_that_failed_to_reach_them(manager_client):
    subscriber = make_subscriber()
    announcement = make_announcement()
    make_delivery(
        announcement=announcement,
        subscriber=subscriber,
        status="failed",
        attempts=3,
        last_error="550 No such user",
    )
    page = manager_client.get(f"{SUBSCRIBERS}{subscriber.pk}/change/").content.decode()
    assert "550 No such user" in page and str(announcement) in page
    assert "No letter yet." in page  # the outbox's letters about the subscriber: none


def test_a_manager_edits_a_subscriber_whose_page_lists_deliveries(manager_client):
    subscriber = make_subscriber(language="en")
    delivery = make_delivery(announcement=make_announcement(), subscriber=subscriber, status="sent")
    url = f"{SUBSCRIBERS}{subscriber.pk}/change/"
    form = manager_client.get(url).content.decode()
    assert 'name="deliveries-TOTAL_FORMS"' in form and f'value="{delivery.pk}"' in form
    response = manager_client.post(
        url,
        {
            "language": "ru",
            "deliveries-TOTAL_FORMS": "1",
            "deliveries-INITIAL_FORMS": "1",
            "deliveries-0-id": str(delivery.pk),
            "deliveries-0-subscriber": str(subscriber.pk),
        },
    )
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.language == "ru" and Delivery.objects.get().status == "sent"
