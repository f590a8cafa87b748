from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from issues.models import Event
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_events_page_lists_upcoming_soonest_first_and_past_latest_first(client):
    make_event(in_days=10, title="Later conference")
    make_event(in_days=2, title="Round table soon")
    make_event(in_days=-5, title="Old presentation")
    make_event(in_days=3, title="Hidden one", is_published=False)
    html = client.get("/en/events/").content.decode()
    main = html.split("<main")[1]
    assert main.index("Round table soon") < main.index("Later conference") < main.index("Old presentation")
    assert "Hidden one" not in html


def test_sidebar_shows_the_next_events(client):
    make_event(in_days=1, title="Issue presentation", place="Tashkent")
    html = client.get("/uz/").content.decode()
    assert "Issue presentation" in html and "Tashkent" in html


def test_a_running_multi_day_event_is_still_upcoming():
    event = make_event(in_days=-1, ends_at=timezone.now() + timedelta(days=1))
    assert event in Event.objects.upcoming()


def test_event_texts_are_translatable(client):
    make_event(in_days=4, title="Konferensiya", title_ru="Конференция", title_en="Conference")
    assert "Конференция" in client.get("/ru/events/").content.decode()
    assert "Konferensiya" in client.get("/uz/events/").content.decode()


def test_an_event_cannot_end_before_it_starts():
    event = Event(title="x", starts_at=timezone.now(), ends_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError):
        event.full_clean()


def test_events_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(-30, 30):
        make_event(in_days=n)
    with django_assert_max_num_queries(15):
        assert client.get("/uz/events/").status_code == 200
