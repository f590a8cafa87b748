from datetime import timedelta

import pytest
from django.utils import timezone

from issues.models import Event
from revisions.models import Revision
from tests.factories import make_event
from tests.html_forms import admin_form_data, admin_form_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    """An event whose time has microseconds and whose texts have line breaks."""
    return make_event(
        title="Round table",
        starts_at=timezone.now() + timedelta(days=3, microseconds=250_000),
        place="Tashkent\nChinor street, 9",
        description="<p>Experts meet.</p>\n<p>Entry is free.</p>",
    )


def stored(event):
    event = Event.objects.get(pk=event.pk)
    return event.starts_at, event.place, event.description


def test_an_untouched_time_keeps_its_microseconds_and_an_untouched_text_its_line_breaks(editor_client, event):
    """The split widget shows seconds, the browser sends CRLF: neither is a change."""
    before = stored(event)
    data = admin_form_data(editor_client, event)
    assert "\r\n" in data["description"][0]
    assert admin_form_post(editor_client, event, data).status_code == 302
    assert stored(event) == before
    assert Revision.objects.for_object(event).get().comment == "Saved without changes."


def test_a_changed_time_and_a_changed_text_are_saved(editor_client, event):
    data = admin_form_data(editor_client, event)
    response = admin_form_post(
        editor_client, event, data, starts_at_1="18:30:00", description="<p>Entry by invitation.</p>"
    )
    assert response.status_code == 302
    event.refresh_from_db()
    local = timezone.localtime(event.starts_at)
    assert (local.hour, local.minute, local.microsecond) == (18, 30, 0)
    assert event.description == "<p>Entry by invitation.</p>"
    assert Revision.objects.for_object(event).get().comment == "Changed: Starts at, Description."
