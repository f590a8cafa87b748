"""The garbage collector of a server process: what lives as long as the process is not walked again.

CPython's full collection walks every object it tracks. An app server holds about 200 000 of them
(Django, the models, the URL patterns, compiled templates and queries), so each full collection
paused a worker for about 80 ms in the middle of some reader's request: the p99 of every page. Those
objects live as long as the process; `gc.freeze()` takes the ones alive at that moment out of the
collector's walk (reference counting still frees them). `settle()` is called once the application
is loaded (magazine/wsgi.py, asgi.py) and again after the process's first WARM_UP requests, which
compile the templates and queries the pages use. Garbage made later is collected as before, by
walks over what is new.
"""

import gc

from django.core.signals import request_finished

WARM_UP = 200


def freeze(generation=2):
    """Collect what is garbage now (in the generations up to `generation`), then keep everything
    still alive out of later collections."""
    gc.collect(generation)
    gc.freeze()


def settle(warm_up=WARM_UP):
    """`freeze()` now, and once more after `warm_up` requests have finished in this process.

    The second time only the young generations are collected first (about 1.5 ms): a full collection
    there would be the very pause this avoids, in a reader's request. The old generation then held a
    few hundred garbage objects (after 200 requests of the bench), frozen once per process.
    """
    freeze()
    finished = 0

    def count(**kwargs):
        nonlocal finished
        finished += 1
        if finished >= warm_up:
            request_finished.disconnect(count)
            freeze(generation=1)

    request_finished.connect(count, weak=False)
