import time

import pytest
from django.core import signing

from approvals.tokens import SALT, approval_token_make, approval_token_read
from subscriptions.tokens import confirm_token_make
from tests.approvals.helpers import send_link
from tests.factories import make_interview, make_subscriber

pytestmark = pytest.mark.django_db


def test_a_token_names_its_approval_for_its_article():
    approval, _path = send_link(make_interview())
    assert approval_token_read(approval_token_make(approval), article_id=approval.article_id) == approval.pk


def test_a_token_is_refused_for_another_article():
    approval, _path = send_link(make_interview())
    assert approval_token_read(approval_token_make(approval), article_id=approval.article_id + 1) is None


@pytest.mark.parametrize("token", ["", "garbage", "1:2:3", "W1sxLDJdXQ:abc:def"])
def test_a_forged_token_is_refused(token):
    assert approval_token_read(token, article_id=1) is None


def test_an_altered_token_is_refused():
    approval, _path = send_link(make_interview())
    token = approval_token_make(approval)
    assert (
        approval_token_read(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], article_id=1) is None
    )


def test_a_token_made_for_another_purpose_is_refused():
    subscriber = make_subscriber(email="a@example.org")
    assert approval_token_read(confirm_token_make(subscriber), article_id=subscriber.pk) is None
    other_salt = signing.dumps([1, 1], salt="another")
    assert approval_token_read(other_salt, article_id=1) is None


def test_a_token_older_than_the_longest_validity_is_refused(settings, monkeypatch):
    approval, _path = send_link(make_interview())
    token = approval_token_make(approval)
    later = time.time() + settings.APPROVALS_LINK_MAX_DAYS * 86400 + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert approval_token_read(token, article_id=approval.article_id) is None


def test_the_salt_is_the_approval_links_own():
    approval, _path = send_link(make_interview())
    payload = signing.loads(approval_token_make(approval), salt=SALT)
    assert payload == [approval.pk, approval.article_id]
    with pytest.raises(signing.BadSignature):
        signing.loads(approval_token_make(approval), salt="subscriptions.confirm")
