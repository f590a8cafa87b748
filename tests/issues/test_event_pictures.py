"""Events show their picture in the admin's list and form, like covers do."""

import pytest
from django.utils import timezone

from issues.models import Event
from tests.factories import image_file

pytestmark = pytest.mark.django_db


def test_the_event_list_and_form_show_the_picture(editor_client):
    event = Event(title="Taqdimot", starts_at=timezone.now(), image_alt="The hall")
    event.image.save("e.jpg", image_file(), save=True)
    assert 'class="list-thumbnail"' in editor_client.get("/admin/magazine/event/").content.decode()
    html = editor_client.get(f"/admin/magazine/event/{event.pk}/change/").content.decode()
    assert 'class="image-preview"' in html and "-w480.webp" in html
