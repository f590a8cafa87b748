from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.utils.functional import SimpleLazyObject


def paginate(request, object_list, per_page):
    """The requested page of `object_list`; a bad or out-of-range ?page= gets the nearest real page."""
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))


def lazy_paginate(request, object_list, per_page, *, counted=False):
    """(page, its objects), counted and loaded only if the template renders them (not on a fragment hit).

    `counted`: the total comes with the rows, in one query (`paginate_counted`)."""
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


def paginate_counted(request, queryset, per_page):
    """paginate() in one query: the total comes with the rows (COUNT(*) OVER ()), e.g. for search."""
    try:
        number = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        number = 1
    if number > MAX_DIRECT_PAGE:  # no such page: counting finds the last one (and keeps OFFSET in range)
        return paginate(request, queryset, per_page)
    offset = (number - 1) * per_page
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[offset : offset + per_page])
    if not rows:  # nothing at all, or past the end: count, then the nearest real page
        return paginate(request, queryset, per_page)
    total = rows[0]["total_rows"] if isinstance(rows[0], dict) else rows[0].total_rows
    return Paginator(CountedRows(rows, total, offset), per_page).get_page(number)
