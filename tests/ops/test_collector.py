"""The server process's garbage collector (ops.collector): what is alive after loading and after the
first requests is kept out of later collections, which walk only what is new."""

import gc
import importlib
import weakref

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections

from ops import collector


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def requests_finish(count):
    """`count` requests end (without closing the database connection, as Django's test client does)."""
    request_finished.disconnect(close_old_connections)
    try:
        for _ in range(count):
            request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)


def walked(thing):
    """Whether the collector's walks still reach `thing` (a frozen object is in no generation)."""
    return any(found is thing for found in gc.get_objects())


def test_settle_takes_what_is_alive_out_of_the_walks(unfrozen):
    loaded = []
    collector.settle(warm_up=3)
    assert not walked(loaded)
    made_later = []
    assert walked(made_later)
    requests_finish(3)  # let the warm-up end: no receiver is left for the next test


def test_after_the_warm_up_what_the_requests_loaded_is_taken_out_too_once(unfrozen):
    collector.settle(warm_up=3)
    compiled = []  # what the first requests loaded: templates, queries
    requests_finish(2)
    assert walked(compiled)
    requests_finish(1)
    assert not walked(compiled)
    made_after = []
    requests_finish(10)
    assert walked(made_after)  # once: the receiver is gone


class Node:
    pass


def test_garbage_is_collected_before_the_freeze(unfrozen):
    """A cycle that is garbage when the process settles is freed, not kept forever."""
    cycle = Node()
    cycle.itself = cycle
    gone = weakref.ref(cycle)
    del cycle
    collector.freeze()
    assert gone() is None


def test_the_wsgi_application_settles_the_process(unfrozen):
    import magazine.wsgi

    importlib.reload(magazine.wsgi)
    assert not walked(magazine.wsgi.application)
    requests_finish(collector.WARM_UP)
