"""Readers redeeming at the same moment on separate database connections (PostgreSQL)."""

import pytest

from issuecodes.models import Code, CodeBatch, Redemption
from issuecodes.services import RedeemError, code_redeem
from readers.models import AccessGrant
from tests.concurrency import run_together
from tests.factories import make_batch, make_reader

# serialized_rollback: the flush after a transactional test must leave the migrated rows for the next ones.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def redeem_as(readers, code):
    """A function each thread calls: redeem `code` for the next reader of `readers`."""

    def redeem():
        try:
            code_redeem(reader=readers.pop(), text=code)
        except RedeemError as error:
            return error.code
        return "redeemed"

    return redeem


def test_the_last_use_of_a_shared_code_goes_to_one_of_two_readers_at_once():
    _batch, codes = make_batch(kind=CodeBatch.Kind.SHARED, count=2)
    code_redeem(reader=make_reader(), text=codes[0])  # one use left
    outcomes = run_together(redeem_as([make_reader(), make_reader()], codes[0]))
    assert sorted(outcomes) == ["redeemed", "used_up"]
    assert Code.objects.get().redemptions == 2
    assert Redemption.objects.count() == 2 and AccessGrant.objects.count() == 2


def test_a_single_use_code_typed_by_four_readers_at_once_opens_for_one():
    _batch, codes = make_batch(count=1)
    readers = [make_reader() for _ in range(4)]
    outcomes = run_together(redeem_as(readers, codes[0]), times=4)
    assert sorted(outcomes) == ["redeemed", "used_up", "used_up", "used_up"]
    assert Code.objects.get().redemptions == 1 and AccessGrant.objects.count() == 1


def test_one_reader_sending_the_code_twice_at_once_gets_one_grant():
    _batch, codes = make_batch(kind=CodeBatch.Kind.SHARED, count=5)
    reader = make_reader()
    outcomes = run_together(redeem_as([reader, reader], codes[0]))
    assert sorted(outcomes) == ["already_redeemed", "redeemed"]
    assert Code.objects.get().redemptions == 1 and AccessGrant.objects.filter(reader=reader).count() == 1
