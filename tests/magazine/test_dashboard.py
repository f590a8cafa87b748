from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_admin_index_shows_scheduled_articles_and_drafts(editor_client):
    make_article(title="Due on Monday", publish_at=timezone.now() + timedelta(days=2))
    make_article(title="Unfinished", status=Article.Status.DRAFT)
    html = editor_client.get("/admin/").content.decode()
    assert "What needs you" in html
    assert "Due on Monday" in html
    assert "?publication=draft" in html and "?publication=scheduled" in html


def test_the_dashboard_costs_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries):
    for n in range(30):
        make_article(publish_at=timezone.now() + timedelta(days=n + 1))
    with django_assert_max_num_queries(25):
        assert editor_client.get("/admin/").status_code == 200


def test_dashboard_counts_pending_comments_and_subscribers_and_draws_the_weekly_chart(admin_client):
    from comments.models import Comment
    from subscriptions.models import Subscriber
    from tests.factories import make_comment

    article = make_article()
    make_comment(article=article, status=Comment.Status.PENDING)
    make_comment(article=article, status=Comment.Status.APPROVED, approved_at=timezone.now())
    Subscriber.objects.create(
        email="a@example.org", status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
    )
    Subscriber.objects.create(email="b@example.org", status=Subscriber.Status.PENDING)
    html = admin_client.get("/admin/").content.decode()
    assert "comments wait for moderation" in html
    assert "?status__exact=confirmed" in html and "?status__exact=pending" in html
    assert "<svg" in html and html.count("<polyline") == 2
    assert "Approved comments: 1" in html and "Confirmed subscribers: 1" in html


def test_a_moderator_sees_the_queue_but_not_the_subscribers(client):
    from tests.factories import make_user

    client.force_login(make_user(groups=["Moderators"], is_staff=True))
    html = client.get("/admin/").content.decode()
    assert "comments wait for moderation" in html and "?status__exact=confirmed" not in html
