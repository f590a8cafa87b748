"""The rows every public page reads around its content, read together: one query per request.

The menu's sections, the sidebar's latest issues, upcoming events and sponsored articles, the
contacts and the discussion settings are few, small and on nearly every page. Each is a Prepared
query (issues.prepared) registered here by the app that owns it (`register`, from its models or its
AppConfig.ready()); the first part a request asks for (`rows(name)`) reads all of them in one round
trip (`run_together`), kept while unchanged as one piece of data (sitecache's `remember("shell")`:
its topics are those of every part, and `topics` a part names besides its rows).
"""

from issues.prepared import run_together
from sitecache import depends_on, remember

_parts = {}  # name: (Prepared, topics)


def register(name, prepared, *, topics=()):
    """Read `prepared` (a Prepared query) with the shell as part `name`, recording `topics` with it."""
    _parts[name] = (prepared, tuple(topics))


def rows(name):
    """The rows of part `name`, read with every other part at the request's first ask."""
    # The parts' names are in the key: a part registered by a newer release is never looked for in
    # what an older one kept.
    return remember("shell:" + ",".join(sorted(_parts)), read)[name]


def read():
    depends_on(*(topic for _prepared, topics in _parts.values() for topic in topics))
    return run_together({name: prepared for name, (prepared, _topics) in _parts.items()})
