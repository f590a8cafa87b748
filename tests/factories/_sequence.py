"""One counter for every factory, so names, slugs and addresses never collide within a run."""

import itertools

_counter = itertools.count(1)


def next_number():
    return next(_counter)
