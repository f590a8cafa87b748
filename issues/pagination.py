from math import ceil

from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.utils.functional import SimpleLazyObject


def paginate(request, object_list, per_page):
    """The requested page of `object_list`; a bad or out-of-range ?page= gets the nearest real page."""
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))


def lazy_paginate(request, object_list, per_page, *, counted=False, rows=None, first_keys=None):
    """(page, its objects), counted and loaded only if the template renders them (not on a fragment hit).

    `counted`: the total comes with the rows, in one query (`paginate_counted`).
    `rows`: the page's rows are these, for the keys `object_list` chooses (`paginate_by_keys`, with
    its `first_keys`)."""
    if rows is not None:
        page = SimpleLazyObject(
            lambda: paginate_by_keys(request, object_list, rows, per_page, first_keys=first_keys)
        )
    else:
        how = paginate_counted if counted else paginate
        page = SimpleLazyObject(lambda: how(request, object_list, per_page))
    return page, SimpleLazyObject(lambda: page.object_list)


MAX_DIRECT_PAGE = 10_000


class CountedRows:
    """One page of rows that knows the total: what Paginator needs, without a COUNT query."""

    def __init__(self, rows, total, offset):
        self.rows, self.total, self.offset = rows, total, offset

    def count(self):
        return self.total

    def __getitem__(self, window):
        return self.rows[window.start - self.offset : window.stop - self.offset]


def requested_number(request):
    """?page= as a number of at least 1 (1 if it is not a number)."""
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def paginate_counted(request, queryset, per_page):
    """paginate() in one query: the total comes with the rows (COUNT(*) OVER ()), e.g. for search."""
    number = requested_number(request)
    if number > MAX_DIRECT_PAGE:  # no such page: counting finds the last one (and keeps OFFSET in range)
        return paginate(request, queryset, per_page)
    offset = (number - 1) * per_page
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[offset : offset + per_page])
    if not rows:  # nothing at all, or past the end: count, then the nearest real page
        return paginate(request, queryset, per_page)
    total = rows[0]["total_rows"] if isinstance(rows[0], dict) else rows[0].total_rows
    return Paginator(CountedRows(rows, total, offset), per_page).get_page(number)


def paginate_known(request, total, per_page, rows_of):
    """paginate() of a list whose length is known (`total`): `rows_of(offset, limit)` loads the
    requested page's rows only; a bad or out-of-range ?page= gets the nearest real page."""
    number = min(requested_number(request), max(ceil(total / per_page), 1))
    offset = (number - 1) * per_page
    rows = rows_of(offset, per_page) if total else []
    return Paginator(CountedRows(rows, total, offset), per_page).get_page(number)


def key_of(row):
    """The primary key of a model instance or of a row of values (its "id", or "pk")."""
    if isinstance(row, dict):
        return row["id"] if "id" in row else row["pk"]
    return row.pk


def with_total(keys):
    """`keys` (a queryset) as the rows paginate_by_keys reads: (primary key, the list's total)."""
    return keys.annotate(total_rows=Window(Count("pk"))).values_list("pk", "total_rows")


def paginate_by_keys(request, keys, rows, per_page, *, first_keys=None):
    """paginate_counted() that reads only the page's rows, in two queries: `keys` (a queryset that
    filters and orders the list) gives the page's primary keys with the list's total, from an index
    alone when one covers its filters and order; then `rows` (a queryset of the same model: what is
    shown) loads those rows only, by primary key, put in the keys' order. The list's other rows are
    never read nor sorted (one query with the rows would carry the list's whole filter twice, for
    the keys and for the count: more to build and plan than the second query costs).

    `first_keys()`, if given, answers for the first page what `keys` would: [(key, total)], e.g. a
    Prepared query (most visits ask the first page; its query is then built once per process).
    """
    number = requested_number(request)
    counted = with_total(keys)

    def page_rows(number):
        offset = (number - 1) * per_page
        if offset == 0 and first_keys is not None:
            chosen = list(first_keys())
        else:
            chosen = list(counted[offset : offset + per_page])
        if not chosen:
            return [], 0, offset
        loaded = {key_of(row): row for row in rows.filter(pk__in=[pk for pk, _ in chosen])}
        # A row deleted between the two queries is left out (the page is one shorter), not a 500.
        return [loaded[pk] for pk, _ in chosen if pk in loaded], chosen[0][1], offset

    found, total, offset = page_rows(number) if number <= MAX_DIRECT_PAGE else ([], 0, 0)
    if not found:  # nothing at all, or past the end: count, then the nearest real page
        total = keys.count()
        number = max(min(number, ceil(total / per_page)), 1)
        found, total, offset = page_rows(number) if total else ([], 0, 0)
    return Paginator(CountedRows(found, total, offset), per_page).get_page(number)
