from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from subscriptions.models import Announcement, Delivery
from tests.factories import make_issue, make_subscriber
from tests.subscriptions.helpers import RefusingBackend, use_backend

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("send_issue_announcement", *args, "--rate=0", stdout=out)
    return out.getvalue()


def test_the_command_announces_an_issue_named_by_its_label_with_a_progress_bar(mailoutbox):
    make_issue(year=2025, number_first=1, number_last=2)
    for _ in range(3):
        make_subscriber()
    out = run("1-2/2025")
    assert len(mailoutbox) == 3
    assert "\r[##########" in out and "] 3/3 100%" in out
    assert "Issue 1-2/2025: 3 sent, 0 failed, 0 remaining (in all: 3 sent, 0 given up)." in out
    assert Announcement.objects.get().finished_at


def test_the_command_accepts_an_issue_id_and_a_rerun_sends_nothing_twice(mailoutbox):
    issue = make_issue()
    make_subscriber()
    run(str(issue.pk))
    out = run(str(issue.pk))
    assert len(mailoutbox) == 1
    assert ": 0 sent, 0 failed, 0 remaining (in all: 1 sent" in out


def test_the_command_reports_the_addresses_it_gave_up_on(settings):
    use_backend(settings, RefusingBackend)
    make_issue(year=2025, number_first=3)
    make_subscriber()
    bad = make_subscriber(email="nobody@example.org")
    RefusingBackend.refused = {bad.email}
    out = run("3/2025", "--max-attempts=2")
    assert "1 sent, 2 failed, 0 remaining (in all: 1 sent, 1 given up)" in out
    assert "failed: nobody@example.org: SMTPRecipientsRefused" in out
    assert Delivery.objects.get(subscriber=bad).attempts == 2


@pytest.mark.parametrize("reference", ["9/2099", "999999", "1-2-3/2025", "last", "", "1/20251"])
def test_an_unknown_issue_is_a_clear_error(reference):
    make_issue(year=2025, number_first=1)
    with pytest.raises(CommandError, match="No issue"):
        run(reference)


def test_an_unpublished_issue_is_a_clear_error(mailoutbox):
    make_issue(year=2025, number_first=4, is_published=False)
    make_subscriber()
    with pytest.raises(CommandError, match="not published"):
        run("4/2025")
    assert mailoutbox == [] and not Announcement.objects.exists()
