"""issues.shell: the rows around every page's content (menu, sidebar, contacts, discussion settings)
read in one query, each part loaded as its own Prepared query loads it."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import DiscussionSettings
from issues import shell
from issues.models import Contacts
from issues.prepared import Prepared, executed_sql, run_together
from tests.factories import make_article, make_event, make_issue, make_section

pytestmark = pytest.mark.django_db


def loaded(instance):
    """The values an instance was loaded with (deferred fields left out)."""
    deferred = instance.get_deferred_fields()
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in deferred
    }


def test_read_together_every_part_has_the_rows_and_values_its_own_query_gives():
    for number in (3, 1, 2):
        make_issue(
            year=2025, number_first=number, published_on=date(2025, number, 15), theme=f"Theme {number}"
        )
    make_issue(year=2026, number_first=1, is_published=False)
    for days in (-1, 2, 5, 9):
        make_event(in_days=days, place="Tashkent", ends_at=timezone.now() + timedelta(days=days, hours=3))
    make_section(name="Tahlil", position=2)
    make_section(name="Suhbat", position=1)
    make_article(title="Sponsored one", is_sponsored=True)
    make_article(title="Sponsored two", is_sponsored=True, publish_at=timezone.now() - timedelta(days=1))
    Contacts.objects.create(address="Tashkent", phone="+998 71 000 00 00", email="desk@example.org")
    DiscussionSettings.objects.create(comments_enabled=False, max_links=4, close_after_days=30)
    parts = {name: prepared for name, (prepared, _topics) in shell._parts.items()}
    assert {
        "sections",
        "latest-issues",
        "upcoming-events",
        "contacts",
        "latest-sponsored",
        "discussion-settings",
    } <= set(parts)

    for now in (timezone.now(), timezone.now() + timedelta(days=3)):
        together = run_together(parts, now)
        for name, prepared in parts.items():
            alone = prepared(now)
            assert alone, name  # every part has rows to compare
            assert [loaded(row) for row in together[name]] == [loaded(row) for row in alone], name
            assert [type(row) for row in together[name]] == [type(row) for row in alone]
    settings_row = run_together(parts)["discussion-settings"][0]
    assert settings_row.comments_enabled is False and settings_row.max_links == 4
    events = run_together(parts)["upcoming-events"]
    assert all(timezone.is_aware(event.starts_at) for event in events)
    assert [event.starts_at for event in events] == sorted(event.starts_at for event in events)


def test_a_part_that_loads_json_is_refused_rather_than_loaded_wrong():
    from django.contrib.contenttypes.models import ContentType

    from revisions.models import Revision

    article = make_article()
    Revision.objects.create(
        content_type=ContentType.objects.get_for_model(article), object_id=article.pk, data={"title": "A"}
    )
    prepared = Prepared(lambda now: Revision.objects.only("data")[:1])
    with pytest.raises(ValueError, match="JSONField"):
        run_together({"json": prepared})


def test_a_page_reads_its_menu_sidebar_and_contacts_in_one_query(client):
    make_issue(theme="The latest")
    make_event(in_days=2, title="A round table")
    make_section(name="Tahlil")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/uz/").content.decode()
    assert "The latest" in html and "A round table" in html and "Tahlil" in html
    # The rows shown (not the cache's occasional look at the next scheduled moment: MIN(starts_at)).
    shown = ('"magazine_section"."slug"', '"magazine_event"."title"', '"magazine_contacts"."phone"')
    run = [executed_sql(q["sql"]) for q in queries.captured_queries]  # the SQL of an EXECUTE too
    reading = [sql for sql in run if any(column in sql for column in shown)]
    assert len(reading) == 1 and all(column in reading[0] for column in shown)


def test_an_event_added_is_in_the_next_page_of_every_reader(client):
    client.get("/uz/")
    make_event(in_days=1, title="A new seminar")
    assert "A new seminar" in client.get("/uz/").content.decode()
