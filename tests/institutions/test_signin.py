"""Readers whose proven address is at an institution's domain get its grant when they sign in."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from institutions.services import grants_on_sign_in, institution_grants_update
from readers.access import may_read_full
from readers.cached import reader_with_grants
from readers.models import AccessGrant
from tests.factories import make_institution, make_print_first, make_reader
from tests.readers.helpers import letter_code

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def mfa():
    today = timezone.localdate()
    return make_institution(
        email_domains="mfa.uz", starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=90)
    )


def test_signing_in_with_an_address_at_the_domain_gives_the_grant(
    mfa, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/sign-in/", {"email": "Aziz@MFA.uz"})
    response = client.post("/en/account/sign-in/check-inbox/", {"code": letter_code(mailoutbox[0])})
    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert grant.reason == AccessGrant.Reason.INSTITUTION and grant.source == mfa
    assert grant.reader.email == "aziz@mfa.uz"
    assert (grant.starts_at, grant.ends_at) == mfa.period()
    assert timezone.localtime(grant.ends_at).date() == mfa.ends_on + timedelta(days=1)
    article = make_print_first()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "HIDDENMARKER" in html and "Access provided by your institution" in html


def test_a_subdomain_counts_and_another_domain_does_not(mfa):
    assert len(grants_on_sign_in(reader=make_reader(email="a@consulate.mfa.uz"))) == 1
    assert grants_on_sign_in(reader=make_reader(email="a@notmfa.uz")) == []
    assert grants_on_sign_in(reader=make_reader(email="a@mfa.uz.example.com")) == []


def test_the_grant_is_one_per_reader_and_follows_the_period(mfa):
    reader = make_reader(email="aziz@mfa.uz")
    first = grants_on_sign_in(reader=reader)[0]
    assert grants_on_sign_in(reader=reader) == [first]
    mfa.ends_on += timedelta(days=365)
    mfa.save()
    again = grants_on_sign_in(reader=reader)[0]
    assert again.pk == first.pk and again.ends_at == mfa.period()[1]
    assert AccessGrant.objects.count() == 1


def test_changing_the_institution_moves_or_revokes_its_grants(mfa):
    reader = make_reader(email="aziz@mfa.uz")
    grant = grants_on_sign_in(reader=reader)[0]
    mfa.ends_on = None
    mfa.save()
    assert institution_grants_update(institution=mfa) == 1
    grant.refresh_from_db()
    assert grant.ends_at is None and grant.revoked_at is None
    mfa.active = False
    mfa.save()
    assert institution_grants_update(institution=mfa) == 1
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert not may_read_full(make_print_first(), reader_with_grants(reader.pk))


def test_a_revoked_grant_is_not_given_again(mfa):
    from readers.services import grant_revoke

    reader = make_reader(email="aziz@mfa.uz")
    grant_revoke(grant=grants_on_sign_in(reader=reader)[0])
    assert grants_on_sign_in(reader=reader) == []
    assert AccessGrant.objects.count() == 1


def test_nothing_for_an_unverified_address_an_ended_or_inactive_institution():
    today = timezone.localdate()
    make_institution(
        email_domains="old.uz", starts_on=today - timedelta(days=60), ends_on=today - timedelta(days=1)
    )
    make_institution(email_domains="off.uz", active=False)
    assert grants_on_sign_in(reader=make_reader(email="a@old.uz")) == []
    assert grants_on_sign_in(reader=make_reader(email="a@off.uz")) == []
    make_institution(email_domains="new.uz")
    assert grants_on_sign_in(reader=make_reader(email="a@new.uz", verified_at=None)) == []
