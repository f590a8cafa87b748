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
