"""Pieces kept with their topics' versions: fragments of pages, shared documents, data.

A piece is kept in the shared cache and, for speed, in a small per-process copy; either counts only
while the versions of its topics are current (sitecache.topics), so a stale copy is never used.
"""

import hashlib
import threading
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.utils.translation import get_language

from sitecache.topics import Recording, Topic, checked_boundary, depends_on, request_memo, versions

# Part of every key: a release that stores pieces differently starts afresh.
FORMAT = 7


class LocalCopies:
    """A small per-process LRU in front of the shared cache.

    A hot page, fragment or piece of data then costs one round trip (its topics' versions, read
    once per request) and no unpickling. The values are shared by the requests of this process:
    treat them as read-only.
    """

    def __init__(self, size):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def set(self, key, value):
        if not self.size:
            return
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self):
        with self.lock:
            self.items.clear()


local_copies = LocalCopies(settings.PAGE_CACHE_LOCAL_ENTRIES)


def digest(*parts):
    """A short fixed-length key part for any values (paths, slugs and names of any length and alphabet)."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]


def current_entries(keys):
    """{key: (versions, value)} for those of `keys` kept with current versions (local copies first)."""
    entries = {key: entry for key in keys if (entry := local_copies.get(key)) is not None}
    if entries:
        checked_boundary()
    topics = {topic for entry in entries.values() for topic in entry[0]}
    now = versions(list(topics)) if topics else {}
    entries = {key: e for key, e in entries.items() if all(now[t] == v for t, v in e[0].items())}
    absent = [key for key in keys if key not in entries]
    if absent:
        shared = cache.get_many(absent)
        if shared:
            checked_boundary()
        topics = {topic for entry in shared.values() for topic in entry[0]}
        now = versions(list(topics)) if topics else {}
        for key, entry in shared.items():
            if all(now[t] == v for t, v in entry[0].items()):
                entries[key] = entry
                local_copies.set(key, entry)
    for entry in entries.values():
        depends_on(*entry[0])
    return entries


def keep(entries, timeout):
    """Store {key: (versions, value)} in the shared cache and this process's copies."""
    if not isinstance(caches["default"], DummyCache):
        checked_boundary()  # the next scheduled moment is known before anything stored is judged
    cache.set_many(entries, timeout)
    for key, entry in entries.items():
        local_copies.set(key, entry)


def kept(key, *, timeout, compute):
    """The value kept under `key` while its topics are current; else `compute()`, recorded and kept.

    `compute()` returning None is not kept (a missing object, an error page). Within a request, a
    key is looked up or computed once (the sidebar asks for the latest issues twice).
    """
    memo = request_memo()
    if memo is not None and ("\x00kept", key) in memo:
        topics, value = memo["\x00kept", key]
        depends_on(*topics)
        return value
    if (entry := current_entries([key]).get(key)) is not None:
        topics, value = entry
    else:
        with Recording() as recording:
            value = compute()
        topics = recording.topics
        if value is not None and (stored := recording.stored_versions()) is not None:
            keep({key: (stored, value)}, timeout)
    if memo is not None:
        memo["\x00kept", key] = (topics, value)
    return value


def fragment_key(request, name, *parts):
    """A fragment's key: name, language, host (pieces may hold absolute links) and parts."""
    return f"fragments:{FORMAT}:{digest(name, get_language() or '', request_host(request), *parts)}"


def request_host(request):
    """`request.get_host()`, checked against ALLOWED_HOSTS once a request (a list page keys 20 cards)."""
    if (host := getattr(request, "_sitecache_host", None)) is None:
        host = request._sitecache_host = request.get_host()
    return host


def fragment(request, name, parts, render):
    """A rendered piece of a page shared by all readers while what it shows is unchanged.

    `render()` makes the HTML on a miss. The key holds the language, the host and `parts`; a piece
    must not depend on anything else of the request (the session, the user): such parts stay
    outside fragments. A part that is a Topic (`listed()`) or a row with a cache topic (an article)
    is also a dependency: objects loaded before the fragment began are named this way.
    """
    from sitecache.pages import cut_fresh, put_fresh

    if not settings.FRAGMENT_CACHE_SECONDS:
        return render()
    rendered = []
    parts = [topic_of(part) or part for part in parts]
    topics = [part for part in parts if isinstance(part, Topic)]

    def render_shareable():
        depends_on(*topics)
        rendered.append(render())
        return cut_fresh(rendered[0])

    html = kept(
        fragment_key(request, name, *parts), timeout=settings.FRAGMENT_CACHE_SECONDS, compute=render_shareable
    )
    return rendered[0] if rendered else put_fresh(request, html)


def topic_of(part):
    """The Topic a fragment's part names, if any."""
    if isinstance(part, Topic):
        return part
    if getattr(part, "cache_topic", None) and getattr(part, "pk", None) is not None:
        return Topic(f"{part.cache_topic}:{part.pk}")
    return None


def fragments(request, name, keys, render_missing):
    """{key: html} for many pieces at once (the cards of a list).

    Like `fragment`; the missing pieces are rendered in one go (their data loaded in one query):
    `render_missing(keys)` returns {key: (html, topics)}, each piece's HTML and the topics it shows
    of its own (a card: its article, its people). A piece is kept with those and with whatever else
    the rendering recorded that is no other piece's own (the rubrics' names): it stays valid while
    what it shows is unchanged, whatever becomes of the pieces it was rendered with.
    """
    if not settings.FRAGMENT_CACHE_SECONDS:
        return {key: html for key, (html, _topics) in render_missing(keys).items()}
    cache_keys = {key: fragment_key(request, name, key) for key in keys}
    entries = current_entries(list(cache_keys.values()))
    found = {key: entries[cache_keys[key]][1] for key in keys if cache_keys[key] in entries}
    missing = [key for key in keys if key not in found]
    if missing:
        with Recording() as recording:
            rendered = render_missing(missing)
            for _html, topics in rendered.values():
                depends_on(*topics)  # recorded, should the renderer not have said so itself
        if (stored := recording.stored_versions()) is not None:
            owned = {topic for _html, topics in rendered.values() for topic in topics}
            shared = [topic for topic in stored if topic not in owned]
            keep(
                {
                    cache_keys[key]: ({topic: stored[topic] for topic in (*shared, *topics)}, html)
                    for key, (html, topics) in rendered.items()
                },
                settings.FRAGMENT_CACHE_SECONDS,
            )
        found.update((key, html) for key, (html, _topics) in rendered.items())
    return found


def remember(name, compute, *, timeout=3600):
    """`compute()`, kept while what it read is unchanged: for data pages show (sidebar, menu, an article)."""
    return kept(f"data:{FORMAT}:{digest(name)}", timeout=timeout, compute=compute)


def shared_document(view):
    """Keep a view's answer like a fragment: for documents the same for every reader (feeds, sitemaps).

    Only 200 answers to GET and HEAD are kept, per host and full path; gzipped once, when kept, for
    the clients that accept it (feed readers and crawlers poll them), like every kept answer.
    """
    from sitecache.pages import kept_answer

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not settings.FRAGMENT_CACHE_SECONDS:
            return view(request, *args, **kwargs)
        key = f"documents:{FORMAT}:{digest(request_host(request), request.get_full_path())}"
        return kept_answer(
            request,
            key,
            lambda: view(request, *args, **kwargs),
            timeout=settings.FRAGMENT_CACHE_SECONDS,
        )

    return wrapper
