from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_moderator, make_subscriber

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
    make_subscriber(email="a@example.org", status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now())
    make_subscriber(email="b@example.org", status=Subscriber.Status.PENDING)
    html = admin_client.get("/admin/").content.decode()
    assert "<strong>1</strong> comment waits for moderation" in html
    assert "?status__exact=confirmed" in html and "?status__exact=pending" in html
    assert "<svg" in html and html.count("<polyline") == 2
    assert "Approved comments: 1" in html and "Confirmed subscribers: 1" in html


def test_a_moderator_sees_the_queue_but_not_the_subscribers(client):

    client.force_login(make_moderator())
    html = client.get("/admin/").content.decode()
    assert "comments wait for moderation" in html and "?status__exact=confirmed" not in html


def test_counts_and_their_words_agree(editor_client):
    make_article(title="Due soon", publish_at=timezone.now() + timedelta(days=2))
    html = editor_client.get("/admin/").content.decode()
    assert "<strong>1</strong> scheduled article<" in html and "<strong>0</strong> drafts<" in html
    make_article(publish_at=timezone.now() + timedelta(days=3))
    assert "<strong>2</strong> scheduled articles<" in editor_client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "запланированная статья"), (3, "запланированные статьи"), (5, "запланированных статей")],
)
def test_counts_pluralize_in_russian(editor_client, count, words):
    for n in range(count):
        make_article(publish_at=timezone.now() + timedelta(days=n + 1))
    html = editor_client.get("/admin/", headers={"accept-language": "ru"}).content.decode()
    assert f"<strong>{count}</strong> {words}<" in html


def test_the_scheduled_list_shows_times_not_a_symbol_the_browser_may_not_draw(editor_client):
    article = make_article(title="Due on Monday", publish_at=timezone.now() + timedelta(days=2))
    html = editor_client.get("/admin/").content.decode()
    assert f"<strong>{timezone.localtime(article.publish_at):%d.%m %H:%M}</strong> Due on Monday" in html
    assert "⏱" not in html


def test_the_chart_claims_no_highest_week_when_every_week_is_zero(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "<svg" in html and "Highest week" not in html and "Nothing yet in these weeks" in html


def test_the_chart_names_the_highest_week_when_there_is_one(admin_client):
    from comments.models import Comment
    from tests.factories import make_comment

    for _ in range(2):
        make_comment(status=Comment.Status.APPROVED, approved_at=timezone.now())
    assert "Highest week: 2" in admin_client.get("/admin/").content.decode()
