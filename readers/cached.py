"""A reader and their grants as one entry of the shared cache: a reader's page costs no query.

The entry is the database's rows, not a decision: a grant's start and end are compared with the
clock on every request. It is dropped whenever the reader or one of their grants changes, by
save(), delete(), the grants' issues (signals) or a QuerySet update() (ReaderQuerySet and
AccessGrantQuerySet drop it themselves), at once and again after the transaction commits. Every
process reads the one shared cache, so a revoked grant or an ended session lasts no longer than
the process's next request.

A request with the session cookie that signed a reader in last time in this process reads that
reader's entry in its first round trip to the cache (`sitecache.register_first_read`), with its
session: a reader's page then costs no other round trip for them.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from sitecache import LocalCopies, first_read

TIMEOUT = 3600
# Part of every key: a release that changes what an entry holds (a new field) starts afresh.
FORMAT = 2


def key(pk):
    return f"readers:reader:{FORMAT}:{pk}"


# {session cookie: the pk of the reader it signed in}, per process, the most recent PAGE_CACHE_LOCAL_ENTRIES.
readers_of_sessions = LocalCopies(settings.PAGE_CACHE_LOCAL_ENTRIES)


def signed_in_with(request, pk):
    """Note that the request's session cookie signs in reader `pk` (read first next time)."""
    readers_of_sessions.set(request.COOKIES.get(settings.SESSION_COOKIE_NAME), pk)


def first_keys(request):
    """The entry of the reader this request's session cookie signed in last time, if any: a guess
    (another reader's entry, should the session have changed, is read but not used)."""
    pk = readers_of_sessions.get(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    return [key(pk)] if pk is not None else []


def reader_with_grants(pk):
    """The Reader `pk` with `cached_grants` (its grants neither revoked nor over, each with its
    `issue_ids`), or None if there is no such reader."""
    from django.db.models import Prefetch

    from issues.models import Issue

    from .models import AccessGrant, Reader

    reader = first_read(key(pk), cache.get)
    if reader is None:
        reader = Reader.objects.filter(pk=pk).first()
        if reader is None:
            return None
        issue_ids = Prefetch("issues", queryset=Issue.objects.only("pk"))
        grants = AccessGrant.objects.filter(reader=reader).current_or_coming().prefetch_related(issue_ids)
        reader.cached_grants = [grant.with_issue_ids() for grant in grants]
        cache.set(key(pk), reader, TIMEOUT)
    return reader


def forget(pks):
    """Drop the entries of readers `pks`, now and after the current transaction commits."""
    keys = [key(pk) for pk in set(pks) if pk is not None]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def connect():
    """Connect the receivers that drop entries, and read a known reader's entry first; called from
    ReadersConfig.ready()."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from sitecache import register_first_read

    from .models import AccessGrant, Reader

    register_first_read(first_keys)
    for signal in (post_save, post_delete):
        signal.connect(reader_changed, sender=Reader, dispatch_uid=f"readers-cached-reader-{signal}")
        signal.connect(grant_changed, sender=AccessGrant, dispatch_uid=f"readers-cached-grant-{signal}")
    m2m_changed.connect(
        grant_issues_changed, sender=AccessGrant.issues.through, dispatch_uid="readers-cached-m2m"
    )


def reader_changed(sender, instance, **kwargs):
    forget([instance.pk])


def grant_changed(sender, instance, **kwargs):
    forget([instance.reader_id])


def grant_issues_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from .models import AccessGrant

    if not action.startswith("post_"):
        return
    if not reverse:
        forget([instance.reader_id])
    else:  # issue.access_grants.add(…) and the like: the grants' readers
        grants = AccessGrant.objects.all() if pk_set is None else AccessGrant.objects.filter(pk__in=pk_set)
        forget(grants.values_list("reader_id", flat=True))
