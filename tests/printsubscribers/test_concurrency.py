"""Two readers activating one subscription at the same moment: one link, one grant (PostgreSQL)."""

import pytest

from printsubscribers.models import PrintSubscription
from printsubscribers.services import AlreadyLinked, subscription_link
from readers.models import AccessGrant
from tests.concurrency import run_together
from tests.factories import make_reader, make_subscription


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_readers_activating_at_once_link_it_once():
    subscription = make_subscription()
    readers = iter([make_reader(), make_reader()])

    def activate():
        reader = next(readers)
        try:
            subscription_link(subscription=PrintSubscription.objects.get(pk=subscription.pk), reader=reader)
        except AlreadyLinked:
            return "refused"
        return "linked"

    assert sorted(run_together(activate)) == ["linked", "refused"]
    assert AccessGrant.objects.count() == 1
    assert PrintSubscription.objects.get().grant == AccessGrant.objects.get()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_reader_activating_twice_at_once_gets_one_grant():
    subscription = make_subscription()
    reader = make_reader()

    def activate():
        subscription_link(subscription=PrintSubscription.objects.get(pk=subscription.pk), reader=reader)
        return "linked"

    assert run_together(activate) == ["linked", "linked"]
    assert AccessGrant.objects.count() == 1
