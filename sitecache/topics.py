"""Topics: the names of what a cached piece shows, each with a version that moves when it changes.

A piece (page, fragment, data) is stored with the versions of its topics as they were when it was
made; it counts only while they are all still current. Topics are collected while the piece is
made: explicitly (`depends_on("list:issue:7")`) and, for the models that register it, for every row
loaded from the database (`Article.from_db` says `article:<pk>`). `changed(*topics)` moves them.

Storing is safe against a write racing the render through the *epoch*: a counter moved first by
every `changed()`. A piece is stored only if the epoch it started under is still current when its
topic versions are read at the end; otherwise it is served but not kept.
"""

import secrets
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

SITE = "site"  # every piece depends on it: what every page shows (menu, sidebar, settings)
EPOCH = "epoch"  # moved first by every change (see above)
BOUNDARY_KEY = "topics:next-boundary"
# A kind of scheduled moment: next_moment(now) -> the next one after `now` or None, and
# topics_between(start, end) -> the topics of the moments of this kind from `start` to `end`.
NextMoment = Callable[[datetime], datetime | None]
TopicsBetween = Callable[[datetime, datetime], Iterable[str]]
_boundaries: list[tuple[NextMoment, TopicsBetween]] = []
# Topics (nearly) every page shows, read with the epoch in each request's first round trip: `site`,
# and those the apps name (`register_everywhere`: the sidebar's lists).
_everywhere: list[str] = [SITE]
_first_reads: list[Callable[[Any], list[str]]] = []  # register_first_read
_first_topics: list[Callable[[Any], Iterable[str]]] = []  # register_first_topics
UNREAD = object()  # not read yet in this request (the next scheduled moment, a first read)
# The versions read during the current request ({topic: version}); None outside a request.
_request_memo = ContextVar("cache_topics_request_memo", default=None)
_request_epoch = ContextVar("cache_topics_request_epoch", default=None)
# The open recordings, innermost last: each a set of topic names.
_recordings: ContextVar[tuple[set[str], ...]] = ContextVar("cache_topics_recordings", default=())


def topic_key(topic: str) -> str:
    return f"topic:{topic}"


def _move(topics):
    for key in map(topic_key, [EPOCH, *topics]):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, secrets.randbits(48), timeout=None)
    _look_again_from(timezone.now())
    if (memo := _request_memo.get()) is not None:
        memo.clear()


def _look_again_from(moment):
    """A change may have added or moved a scheduled moment: make the next request look again, from
    `moment` on. A stored moment that has already passed is kept: what it changed is still to move."""
    boundary = cache.get(BOUNDARY_KEY)
    if boundary is None or boundary == "none" or boundary > moment.timestamp():
        cache.set(BOUNDARY_KEY, moment.timestamp(), timeout=None)


def changed(*topics: str) -> None:
    """Make stale every piece showing one of `topics`: now, and again when the transaction commits
    (a piece made between the two read the rows from before the commit and must not outlive it)."""
    names = sorted(set(topics))
    _move(names)
    transaction.on_commit(lambda: _move(names))


def versions(topics: Iterable[str]) -> dict[str, Any]:
    """{topic: current version} (one round trip for those not yet read in this request)."""
    memo = _request_memo.get()
    found: dict[str, Any] = (
        {topic: memo[topic] for topic in topics if topic in memo} if memo is not None else {}
    )
    missing = [topic for topic in topics if topic not in found]
    if missing:
        values = cache.get_many([topic_key(topic) for topic in missing])
        if absent := [topic_key(topic) for topic in missing if topic_key(topic) not in values]:
            values |= first_versions(absent)
        found |= {topic: values.get(topic_key(topic)) for topic in missing}
        if memo is not None:
            memo.update((topic, found[topic]) for topic in missing)
    return found


def first_versions(keys):
    """{key: version} of topics that have none yet: each gets a random one, unless another process
    gave it one meanwhile (a fresh or emptied cache must not reuse a version held in copies). One
    round trip where the backend can (`add_many`: sitecache.backends)."""
    proposed = {key: secrets.randbits(48) for key in keys}
    if hasattr(cache, "add_many"):
        return cache.add_many(proposed, timeout=None)
    for key, version in proposed.items():
        cache.add(key, version, timeout=None)
    return cache.get_many(keys)


def checked_boundary() -> None:
    """Check the scheduled moments once a request, before the first stored piece is judged current
    (a request that finds nothing stored has nothing to judge: with no cache, no query is spent)."""
    memo = _request_memo.get()
    if memo is None or "\x00boundary" not in memo:
        check_boundary(boundary=memo.get("\x00next-boundary", UNREAD) if memo is not None else UNREAD)
        if (memo := _request_memo.get()) is not None:
            memo["\x00boundary"] = True


class Topic(str):
    """A topic's name given to `{% fragment %}` as one of its parts: the fragment depends on it."""


def listed(name: str) -> "Topic":
    """Record that what is being made shows the list `name` (e.g. "list:issue:7"); return it as a
    Topic for the {% fragment %} that renders the list."""
    depends_on(name)
    return Topic(name)


def depends_on(*topics: str) -> None:
    """Declare that what is being made shows `topics` (no cost outside a recording)."""
    for recording in _recordings.get():
        recording.update(topics)


class unrecorded:
    """`with unrecorded():` rows loaded inside are not recorded (weighed, not shown: say what is shown
    with `depends_on`)."""

    def __enter__(self):
        self.token = _recordings.set(())

    def __exit__(self, *exc):
        _recordings.reset(self.token)


class Recording:
    """`with Recording() as recording:` collects in `recording.topics` the topics of what is made
    inside (nested pieces' too).

    `stored_versions()` then gives {topic: version} to store the piece with, or None when a change
    happened meanwhile (the piece is served, not kept).
    """

    def __enter__(self):
        self.epoch = _request_epoch.get() or versions([EPOCH])[EPOCH]
        self.topics = {SITE}
        self.token = _recordings.set((*_recordings.get(), self.topics))
        return self

    def __exit__(self, *exc):
        _recordings.reset(self.token)

    def stored_versions(self):
        found = versions(sorted(self.topics))  # the topics first, then the epoch: see changed()
        return found if cache.get(topic_key(EPOCH)) == self.epoch else None


def request_memo():
    """The current request's memo (versions read, values looked up), or None outside a request."""
    return _request_memo.get()


def open_request(request=None):
    """Start a request (sitecache.RequestMiddleware): its memo of versions, and the epoch every piece
    made during it started after. Returns the tokens for `close_request`."""
    tokens = _request_memo.set({}), _request_epoch.set(None)
    if settings.PAGE_CACHE_SECONDS or settings.FRAGMENT_CACHE_SECONDS:
        # One round trip for what every request reads first: the epoch, the next scheduled moment, the
        # versions of the topics every page shows and of those the request is about to read
        # (`register_first_topics`), and what the apps read anyway (`register_first_read`).
        topics, first = {*_everywhere}, []
        if request is not None:
            topics.update(topic for topics_of in _first_topics for topic in topics_of(request))
            first = [key for keys_of in _first_reads for key in keys_of(request)]
        found = cache.get_many([topic_key(EPOCH), BOUNDARY_KEY, *map(topic_key, topics), *first])
        memo = _request_memo.get()
        memo.update((topic, found[topic_key(topic)]) for topic in topics if topic_key(topic) in found)
        memo.update((("\x00first", key), found.get(key)) for key in first)
        memo["\x00next-boundary"] = found.get(BOUNDARY_KEY)
        _request_epoch.set(found.get(topic_key(EPOCH)) or versions([EPOCH])[EPOCH])
    return tokens


def topics_read():
    """The topics whose versions the current request has read (none outside a request)."""
    memo = _request_memo.get() or {}
    return tuple(key for key in memo if isinstance(key, str) and not key.startswith("\x00"))


def register_first_read(keys_of: Callable[[Any], list[str]]) -> None:
    """`keys_of(request)`: keys of the cache a request is about to read anyway (its session, a snapshot
    every request consults), fetched in its first round trip; `first_read(key)` then hands them over."""
    _first_reads.append(keys_of)


def first_read(key: str, read: Callable[[str], Any]) -> Any:
    """What `key` held at the start of this request (None when absent), handed over once; else (no
    request, no cache, or handed over already) `read(key)`, e.g. `cache.get`."""
    memo = _request_memo.get()
    found = UNREAD if memo is None else memo.pop(("\x00first", key), UNREAD)
    return read(key) if found is UNREAD else found


def register_first_topics(topics_of: Callable[[Any], Iterable[str]]) -> None:
    """`topics_of(request)`: topics whose versions the request is likely to read (those its address
    read last time: sitecache.pages), read in its first round trip rather than in others."""
    _first_topics.append(topics_of)


def register_everywhere(*topics: str) -> None:
    """Topics nearly every page shows (a sidebar's list): read at the start of every request."""
    _everywhere.extend(topic for topic in topics if topic not in _everywhere)


def close_request(tokens):
    _request_memo.reset(tokens[0])
    _request_epoch.reset(tokens[1])


def register_boundary(next_moment: NextMoment, topics_between: TopicsBetween) -> None:
    """`next_moment(now)`: the next datetime after `now` at which some page changes by itself, or None.

    `topics_between(start, end)` names the topics of the moments of this kind from `start` to `end`;
    it is asked only when one of them has passed.
    """
    _boundaries.append((next_moment, topics_between))


def check_boundary(now: datetime | None = None, boundary: Any = UNREAD) -> None:
    """Once the next scheduled moment has passed, move the topics of what changed since (no cron job).

    The stored moment is the next one, or the time of a change that may have added one (so the
    window from it to now never misses a moment); then the next one is looked up and stored."""
    now = now or timezone.now()
    if boundary is UNREAD:  # else read with the request's first round trip (open_request)
        boundary = cache.get(BOUNDARY_KEY)  # a timestamp, "none" or None (never looked up)
    if boundary is not None and (boundary == "none" or boundary > now.timestamp()):
        return
    # The first moment of each kind from the stored one on (included): any passed moves its topics.
    start = datetime.fromtimestamp(boundary, tz=UTC) if boundary is not None else now
    moments = [next_moment(start - timedelta(microseconds=1)) for next_moment, _ in _boundaries]
    passed = [n for n, moment in enumerate(moments) if moment is not None and moment <= now]
    if passed:
        topics = {topic for n in passed for topic in _boundaries[n][1](start, now)}
        if topics:
            _move(sorted(topics))  # which looks again from now: stored below
        for n in passed:  # the other kinds' next moments are still ahead
            moments[n] = _boundaries[n][0](now)
    ahead = [moment for moment in moments if moment is not None]
    cache.set(BOUNDARY_KEY, min(ahead).timestamp() if ahead else "none", timeout=None)
