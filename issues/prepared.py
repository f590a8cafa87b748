"""Queries every page asks (the sidebar's, the menu's), built and compiled by the ORM once per process.

Not a cache of data: each call runs the query on the database and loads its rows as the ORM would
(`Model.from_db`, so rows shown are recorded as usual: sitecache). Only the work of building the
queryset and compiling its SQL, the same for every request, is done once. A query that depends on
the moment is built with a placeholder moment, replaced by the current one in the parameters.
"""

from datetime import UTC, datetime

from django.db import connections
from django.utils import timezone

PLACEHOLDER = datetime(2000, 1, 2, 3, 4, 5, 67890, tzinfo=UTC)  # a moment no real query asks
CHECK = datetime(2000, 1, 2, 3, 4, 5, 67891, tzinfo=UTC)  # built a second time with it: see sql()


class Prepared:
    """`build(now)` (a queryset of model rows) compiled once per database; calling it runs it.

    `Prepared(lambda now: Event.objects.upcoming(now)[:3])()` == `list(Event.objects.upcoming()[:3])`.
    `build` may depend on `now` alone (not on the clock, the language or the request): it is checked
    by building it twice, once per process.
    """

    def __init__(self, build):
        self.build = build
        self.compiled = {}

    def sql(self, alias):
        connection = connections[alias]
        key = (alias, connection.vendor, connection.settings_dict["NAME"])
        if key not in self.compiled:
            queryset = self.build(PLACEHOLDER).using(alias)
            if queryset.query.select_related:
                raise ValueError("A prepared query loads the rows of one model: no select_related.")
            sql, params = queryset.query.get_compiler(alias).as_sql()
            placeholder = connection.ops.adapt_datetimefield_value(PLACEHOLDER)
            moments = [i for i, param in enumerate(params) if param == placeholder]
            # Built again with another moment, only the moment's parameters may differ: a query that
            # asked the clock itself (or anything else that changes) would be frozen at its first call.
            check_sql, check_params = self.build(CHECK).using(alias).query.get_compiler(alias).as_sql()
            expected = connection.ops.adapt_datetimefield_value(CHECK)
            if (
                check_sql != sql
                or [param for i, param in enumerate(check_params) if i not in moments]
                != [param for i, param in enumerate(params) if i not in moments]
                or any(check_params[i] != expected for i in moments)
            ):
                raise ValueError("A prepared query may depend on the `now` it is given and nothing else.")
            self.compiled[key] = (queryset.model, sql, tuple(params), moments)
        return self.compiled[key]

    def __call__(self, now=None, *, alias="default"):
        model, sql, params, moments = self.sql(alias)
        if moments:
            moment = connections[alias].ops.adapt_datetimefield_value(now or timezone.now())
            params = tuple(moment if i in moments else param for i, param in enumerate(params))
        return list(model.objects.using(alias).raw(sql, params))
