"""The one access rule: a live grant that covers the article's issue, or everything."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.paywall import article_access, is_paywalled, visible_blocks
from readers.access import grant_line, reading_grant
from readers.models import AccessGrant, AnonymousReader
from readers.services import grant_create, grant_revoke
from tests.factories import make_grant, make_issue, make_print_first, make_reader, make_user

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def article():
    return make_print_first(issue=make_issue())


def test_nobody_and_an_anonymous_reader_hold_nothing(article):
    assert reading_grant(article, None) is None
    assert reading_grant(article, AnonymousReader()) is None
    assert is_paywalled(article, None, AnonymousReader())


def test_a_reader_without_grants_reads_the_excerpt(article):
    reader = make_reader()
    assert is_paywalled(article, None, reader)
    assert all("HIDDENMARKER" not in block.body for block in visible_blocks(article, None, reader))


def test_a_grant_for_everything_opens_every_print_first_article(article):
    reader = make_reader()
    grant = make_grant(reader=reader)
    outside_any_issue = make_print_first()
    for each in (article, outside_any_issue):
        assert article_access(each, None, reader).grant == grant
        assert any("HIDDENMARKER" in block.body for block in visible_blocks(each, None, reader))


def test_a_grant_for_issues_opens_only_their_articles(article):
    reader = make_reader()
    other_issue = make_issue()
    make_grant(reader=reader, issues=[article.issue, make_issue()])
    assert not is_paywalled(article, None, reader)
    assert is_paywalled(make_print_first(issue=other_issue), None, reader)
    assert is_paywalled(make_print_first(), None, reader)  # outside any issue


@pytest.mark.parametrize(
    ("starts", "ends", "revoked", "live"),
    [
        (-2, None, False, True),
        (-2, 1, False, True),
        (-2, -1, False, False),  # ended
        (1, None, False, False),  # not started yet
        (-2, None, True, False),  # revoked
        (-2, 0, False, False),  # ends exactly now: ended
        (0, None, False, True),  # starts exactly now: started
    ],
)
def test_a_grant_counts_from_its_start_until_its_end_unless_revoked(article, starts, ends, revoked, live):
    reader = make_reader()
    grant = make_grant(
        reader=reader,
        starts_at=NOW + timedelta(days=starts),
        ends_at=None if ends is None else NOW + timedelta(days=ends),
        revoked_at=NOW - timedelta(hours=1) if revoked else None,
    )
    assert (reading_grant(article, reader, NOW) is not None) is live
    assert grant.is_live(NOW) is live
    assert (grant in AccessGrant.objects.live(NOW)) is live


def test_a_grant_ends_at_its_moment_with_no_job_running(article):
    reader = make_reader()
    make_grant(reader=reader, ends_at=NOW + timedelta(minutes=5))
    assert not is_paywalled(article, None, reader, now=NOW)
    assert is_paywalled(article, None, make_reader_again(reader), now=NOW + timedelta(minutes=6))


def make_reader_again(reader):
    """The same reader as a new request would load it (a grant decision is kept per request)."""
    return type(reader).objects.get(pk=reader.pk)


def test_revoking_takes_effect_at_the_next_request(article):
    reader = make_reader()
    grant = make_grant(reader=reader)
    assert not is_paywalled(article, None, reader)
    assert grant_revoke(grant=grant, revoked_by=make_user(is_staff=True))
    assert is_paywalled(article, None, make_reader_again(reader))
    assert not grant_revoke(grant=grant)  # twice: nothing more


def test_the_longest_grant_is_the_one_named(article):
    reader = make_reader()
    make_grant(reader=reader, ends_at=NOW + timedelta(days=10), reason=AccessGrant.Reason.CODE)
    longest = make_grant(reader=reader, ends_at=NOW + timedelta(days=400))
    assert reading_grant(article, reader) == longest
    open_ended = make_grant(reader=reader, reason=AccessGrant.Reason.PRINT_SUBSCRIPTION)
    assert reading_grant(article, make_reader_again(reader)) == open_ended


def test_the_decision_costs_one_query_per_request(article, django_assert_num_queries):
    reader = make_reader()
    make_grant(reader=reader, issues=[article.issue])
    with django_assert_num_queries(1):
        for _ in range(3):
            assert not is_paywalled(article, None, reader)


def test_an_editor_reads_whole_without_any_grant(article, editor):
    assert article_access(article, editor, AnonymousReader()).whole


def test_the_line_says_why_and_until_when(settings):
    settings.TIME_ZONE = "Asia/Tashkent"
    timezone.activate("Asia/Tashkent")
    try:
        end = timezone.make_aware(timezone.datetime(2027, 1, 1, 0, 0))
        grant = AccessGrant(reason=AccessGrant.Reason.PRINT_SUBSCRIPTION, ends_at=end)
        assert grant_line(grant) == "Your print subscription, until 31.12.2026"
        grant.ends_at = end.replace(hour=18)
        assert grant_line(grant) == "Your print subscription, until 01.01.2027 18:00"
        assert grant_line(AccessGrant(reason=AccessGrant.Reason.COMPLIMENTARY)) == "Complimentary access"
    finally:
        timezone.deactivate()


def test_the_service_refuses_an_end_before_the_start_and_an_issue_grant_without_issues():
    from django.core.exceptions import ValidationError

    reader = make_reader()
    with pytest.raises(ValidationError):
        grant_create(reader=reader, starts_at=NOW, ends_at=NOW - timedelta(days=1))
    with pytest.raises(ValidationError):
        grant_create(reader=reader, scope=AccessGrant.Scope.ISSUES, issues=[])
    assert not AccessGrant.objects.exists()


def test_the_database_refuses_an_end_before_the_start():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        make_grant(starts_at=NOW, ends_at=NOW - timedelta(seconds=1))


def test_the_service_records_who_granted_and_the_way_in():
    reader, manager, issue = make_reader(), make_user(is_staff=True), make_issue()
    grant = grant_create(
        reader=reader,
        scope=AccessGrant.Scope.ISSUES,
        issues=[issue],
        granted_by=manager,
        source=issue,  # stands for a way in (a code batch, a subscription) of the next issue
        reason=AccessGrant.Reason.CODE,
    )
    grant.refresh_from_db()
    assert grant.granted_by == manager and grant.source == issue and list(grant.issues.all()) == [issue]


# The signed-in reader's grants come from the shared cache: the same answers, dropped on every change


def signed_in(reader):
    from readers.cached import reader_with_grants

    return reader_with_grants(reader.pk)


def test_grants_from_the_cache_give_the_same_answer_as_the_database(article):
    reader = make_reader()
    other_issue = make_issue()
    make_grant(reader=reader, issues=[other_issue], ends_at=NOW + timedelta(days=900))
    make_grant(reader=reader, issues=[article.issue], ends_at=NOW + timedelta(days=30))
    make_grant(reader=reader, issues=[article.issue], ends_at=NOW + timedelta(days=60))
    make_grant(reader=reader, starts_at=NOW + timedelta(days=10), ends_at=NOW + timedelta(days=20))
    make_grant(reader=reader, revoked_at=NOW)
    loose = make_print_first()
    for moment in (NOW, NOW + timedelta(days=15), NOW + timedelta(days=45), NOW + timedelta(days=61)):
        for each in (article, loose, make_print_first(issue=other_issue)):
            expected = reading_grant(each, make_reader_again(reader), moment)
            assert reading_grant(each, signed_in(reader), moment) == expected, (moment, each)


def test_a_signed_in_readers_grants_cost_no_query(article, django_assert_num_queries):
    reader = make_reader()
    make_grant(reader=reader, issues=[article.issue])
    signed_in(reader)
    with django_assert_num_queries(0):
        assert not is_paywalled(article, None, signed_in(reader))


@pytest.mark.parametrize(
    "change",
    [
        "revoke",
        "queryset update",
        "issue removed",
        "issue removed from the issue's side",
        "grant deleted",
        "generation",
    ],
)
def test_every_change_to_a_readers_grants_drops_the_cached_copy(article, change):
    reader = make_reader()
    grant = make_grant(reader=reader, issues=[article.issue])
    assert not is_paywalled(article, None, signed_in(reader))
    if change == "revoke":
        grant_revoke(grant=grant)
    elif change == "queryset update":
        AccessGrant.objects.filter(pk=grant.pk).update(
            ends_at=NOW - timedelta(seconds=1), starts_at=NOW - timedelta(days=2)
        )
    elif change == "issue removed":
        grant.issues.remove(article.issue)
    elif change == "issue removed from the issue's side":
        article.issue.access_grants.remove(grant)
    elif change == "grant deleted":
        grant.delete()
    else:
        from readers.services import reader_sign_out_everywhere

        reader_sign_out_everywhere(reader=reader)
        assert signed_in(reader).session_generation == 1
        return
    assert is_paywalled(article, None, signed_in(reader))


def test_a_new_grant_reaches_a_signed_in_reader_at_once(article):
    reader = make_reader()
    assert is_paywalled(article, None, signed_in(reader))
    make_grant(reader=reader, issues=[article.issue])
    assert not is_paywalled(article, None, signed_in(reader))
