"""Queries every page asks (the sidebar's, the menu's), built and compiled by the ORM once per process.

Not a cache of data: each call runs the query on the database and loads its rows as the ORM would
(`Model.from_db`, so rows shown are recorded as usual: sitecache). Only the work of building the
queryset and compiling its SQL, the same for every request, is done once. A query that depends on
the moment is built with a placeholder moment, replaced by the current one in the parameters.
"""

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

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
            compiler = queryset.query.get_compiler(alias)
            sql, params = compiler.as_sql()
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
            fields = [column.target for column, _sql, _alias in compiler.select]  # the columns, in order
            self.compiled[key] = (queryset.model, sql, tuple(params), moments, fields)
        return self.compiled[key]

    def params(self, alias, now):
        """The compiled query's parameters, the moment's placeholders replaced by `now` (or the clock)."""
        _model, _sql, params, moments, _fields = self.sql(alias)
        if moments:
            moment = connections[alias].ops.adapt_datetimefield_value(now or timezone.now())
            params = tuple(moment if i in moments else param for i, param in enumerate(params))
        return params

    def __call__(self, now=None, *, alias="default"):
        model, sql, _params, _moments, _fields = self.sql(alias)
        return list(model.objects.using(alias).raw(sql, self.params(alias, now)))


def run_together(queries, now=None, *, alias="default"):
    """{name: rows} of several Prepared `queries` ({name: Prepared}) in one round trip.

    Each query's rows come as JSON arrays of its columns (UNION ALL keeps every query's own order),
    decoded to the values the database driver would give and loaded with `Model.from_db`, as
    `Prepared()` loads them: the same instances, recorded as shown alike.
    """
    connection, now = connections[alias], now or timezone.now()  # one moment for every query
    array = "JSON_BUILD_ARRAY" if connection.vendor == "postgresql" else "JSON_ARRAY"
    selects, params = [], []
    for number, prepared in enumerate(queries.values()):
        _model, sql, _params, _moments, fields = prepared.sql(alias)
        columns = ", ".join(f"p.{connection.ops.quote_name(field.column)}" for field in fields)
        selects.append(f"SELECT {number}, CAST({array}({columns}) AS TEXT) FROM ({sql}) p")
        params += prepared.params(alias, now)
    rows = {name: [] for name in queries}
    names = list(queries)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        for number, values in cursor.fetchall():
            model, _sql, _params, _moments, fields = queries[names[number]].sql(alias)
            values = [
                from_json(field, value) for field, value in zip(fields, json.loads(values), strict=True)
            ]
            rows[names[number]].append(model.from_db(alias, [field.attname for field in fields], values))
    return rows


def from_json(field, value):
    """A column's value as its field loads it, from the JSON of `run_together` (dates as ISO text,
    booleans as true/false or 1/0)."""
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        moment = parse_datetime(value)
        if settings.USE_TZ and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)  # SQLite keeps UTC without an offset
        return moment
    if kind == "DateField":
        return parse_date(value)
    if kind == "TimeField":
        return parse_time(value)
    if kind in ("BooleanField", "NullBooleanField"):
        return bool(value)
    if kind == "DecimalField":
        return Decimal(str(value))
    if kind == "UUIDField":
        return uuid.UUID(str(value))
    if kind in ("JSONField", "BinaryField", "DurationField"):
        raise ValueError(f"run_together cannot load a {kind} ({field}): read it with its own query.")
    return value
