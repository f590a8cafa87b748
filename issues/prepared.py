"""Queries pages ask on every request, built and compiled by the ORM once per process.

Not a cache of data: each call runs the query on the database and loads its rows with the ORM's
own code (model rows through `Model.from_db`, so rows shown are recorded as usual: sitecache; joined
rows, annotations, values and unions alike). Only the work of building the queryset and compiling its
SQL, the same for every request, is done once. A query that depends on the moment is built with a
placeholder moment, replaced by the current one in the parameters; a query that depends on
arguments (an article's tags, a comment page's article) is built with stand-ins for them, once per
*shape* of the arguments (how many values each list holds), and their values are put in their place.
On PostgreSQL the compiled SQL is also a statement prepared on each connection (`on_server`): the
database parses and plans it once per connection, then runs it with each call's parameters.
"""

import copy
import functools
import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

PLACEHOLDER = datetime(2000, 1, 2, 3, 4, 5, 67890, tzinfo=UTC)  # a moment no real query asks
CHECK = datetime(2000, 1, 2, 3, 4, 5, 67891, tzinfo=UTC)  # built a second time with it: see compile()
NOW = "now"  # a parameter slot that takes the moment
logger = logging.getLogger(__name__)

REFUSED = (
    "A prepared query may depend on the `now` and arguments it is given (as parameters) and nothing else."
)


@dataclass(frozen=True)
class Compiled:
    queryset: object  # as built with the stand-ins: never compiled again, only cloned to load rows
    sql: str
    slots: tuple  # per parameter: NOW, (argument name, index) or ("=", constant)
    fields: tuple | None  # rows of one model: its fields, in the SELECT's order (None in other rows)
    compiler: object  # the one that compiled it

    @property
    def model(self):
        return self.queryset.model


EMPTY = Compiled(None, "", (), None, None)  # a query that can match no row


def stand_ins(arguments, round_):
    """Values to build with in place of the arguments' own, and {stand-in: (name, index)}.

    Text gets a NUL, a value no request has. Numbers stay within every integer field's range (a
    negative one on a positive field, or one too large, makes the ORM drop the condition: the query
    would be compiled as matching nothing): 10 000 and up in the first round, 20 000 and up in the
    second. One that a query also holds as a constant is caught by the second build.
    """
    if len(arguments) > 10 or any(isinstance(v, list | tuple) and len(v) > 999 for v in arguments.values()):
        raise ValueError("A prepared query takes at most 10 arguments, and lists of at most 999 values.")
    built, where = {}, {}
    for i, name in enumerate(sorted(arguments)):
        value = arguments[name]
        if value is None:
            built[name] = None
            continue
        many = isinstance(value, list | tuple)
        stand = []
        for j, item in enumerate(value if many else [value]):
            if isinstance(item, bool) or not isinstance(item, int | str):
                raise TypeError(
                    f"A prepared query's argument is a number, a text, a list of them or None: {name}"
                )
            fake = round_ * 10_000 + i * 1_000 + j if isinstance(item, int) else f"\x00{round_}:{i}:{j}"
            stand.append(fake)
            where[fake] = (name, j)
        built[name] = stand if many else stand[0]
    return built, where


def shape(arguments):
    """What the compiled SQL depends on besides the values: which arguments are lists, and how long."""
    return tuple(
        (
            name,
            None
            if value is None
            else len(value)
            if isinstance(value, list | tuple)
            else type(value).__name__,
        )
        for name, value in sorted(arguments.items())
    )


class Prepared:
    """`build(now, **arguments)` (a queryset) compiled once per database and shape of the arguments;
    calling it runs it.

    `Prepared(lambda now: Event.objects.upcoming(now)[:3])()` == `list(Event.objects.upcoming()[:3])`.
    It gives what `list(queryset)` gives: model instances (with their select_related rows and
    annotations, prefetches run as usual), or a `values()` query's dicts (a union's too). `build` may
    depend on `now` and its arguments alone (not on the clock, the language or the request), and may
    put an argument's value only into the query's parameters: it is checked by building it twice,
    with other stand-ins, once per process and shape.
    """

    def __init__(self, build, *, settings_read=(), server_plans=True):
        self.build = build
        # False: planned by the database at each call (on_server): for a query whose best plan depends
        # on its values (a common word's search walks another index than a rare word's).
        self.server_plans = server_plans
        self.compiled = {}
        # Settings the build reads (a page's size, a depth): their values are part of the compiled key.
        self.settings_read = tuple(settings_read)

    def compile(self, alias, arguments):
        connection = connections[alias]
        read = tuple(getattr(settings, name) for name in self.settings_read)
        key = (alias, connection.vendor, connection.settings_dict["NAME"], shape(arguments), read)
        if key not in self.compiled:
            first, first_where = stand_ins(arguments, 1)
            second, second_where = stand_ins(arguments, 2)
            try:
                queryset = self.build(PLACEHOLDER, **first).using(alias)
                compiler = queryset.query.get_compiler(alias)
                sql, params = compiler.as_sql()
                # Built again with another moment and other stand-ins: only their parameters may differ.
                # A query that asked the clock itself (or anything else that changes) would be frozen at
                # its first call; one that put an argument into its SQL text would run with a stand-in.
                check_sql, check_params = (
                    self.build(CHECK, **second).using(alias).query.get_compiler(alias).as_sql()
                )
            except EmptyResultSet:
                self.compiled[key] = EMPTY  # an empty list where rows must match one of its values
                return EMPTY
            except ValueError as error:  # a stand-in used as no parameter is (a slice's bound)
                raise ValueError(f"{REFUSED} ({error})") from error
            placeholder = connection.ops.adapt_datetimefield_value(PLACEHOLDER)
            expected = connection.ops.adapt_datetimefield_value(CHECK)
            if check_sql != sql or len(check_params) != len(params):
                raise ValueError(REFUSED)
            slots = []
            for param, check in zip(params, check_params, strict=True):
                if param == placeholder and check == expected:
                    slots.append(NOW)
                elif (
                    isinstance(param, int | str)
                    and param in first_where
                    and second_where.get(check) == first_where[param]
                ):
                    slots.append(first_where[param])
                elif param == check and not (isinstance(param, int | str) and param in first_where):
                    slots.append(("=", param))
                else:
                    raise ValueError(REFUSED)
            # The columns of a query of one model's rows, in order (run_together reads them); None where
            # a column is anything else (an annotation, a joined model's).
            fields = tuple(getattr(column, "target", None) for column, _sql, _alias in compiler.select)
            if queryset.query.select_related or queryset.query.combinator:
                fields = None
            self.compiled[key] = Compiled(queryset, sql, tuple(slots), fields, compiler)
        return self.compiled[key]

    def params(self, compiled, alias, now, arguments):
        """The compiled query's parameters: the moment (`now` or the clock) and the arguments put in."""
        moment = connections[alias].ops.adapt_datetimefield_value(now or timezone.now())
        values = {
            name: value if isinstance(value, list | tuple) else [value] for name, value in arguments.items()
        }
        return tuple(
            moment if slot == NOW else slot[1] if slot[0] == "=" else values[slot[0]][slot[1]]
            for slot in compiled.slots
        )

    def __call__(self, now=None, *, alias="default", **arguments):
        compiled = self.compile(alias, arguments)
        if compiled is EMPTY:
            return []
        params = self.params(compiled, alias, now, arguments)
        # The ORM's own iterable loads the rows (model instances with their joined rows and annotations,
        # values, a union's rows), from a compiler that answers the compiled SQL instead of compiling.
        queryset = compiled.queryset._chain()
        compiler = copy.copy(compiled.compiler)  # knows what the rows are made of: columns, joined models
        compiler.connection = connections[alias]  # this thread's: the one that compiled may be another's
        sql = on_server(compiler.connection, compiled.sql, self.server_plans)
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)


def run_together(queries, now=None, *, alias="default"):
    """{name: rows} of several Prepared `queries` ({name: Prepared} of model rows) in one round trip.

    Each query's rows come as JSON arrays of its columns (UNION ALL keeps every query's own order),
    decoded to the values the database driver would give and loaded with `Model.from_db`, as
    `Prepared()` loads them: the same instances, recorded as shown alike.
    """
    connection, now = connections[alias], now or timezone.now()  # one moment for every query
    compiled = [prepared.compile(alias, {}) for prepared in queries.values()]
    key = (alias, *map(id, compiled))
    if key not in _together:
        _together[key] = together_sql(connection, dict(zip(queries, compiled, strict=True)))
    sql = _together[key]
    params = [
        param
        for prepared, found in zip(queries.values(), compiled, strict=True)
        for param in prepared.params(found, alias, now, {})
    ]
    names, rows = list(queries), {name: [] for name in queries}
    with connection.cursor() as cursor:
        cursor.execute(on_server(connection, sql), params)
        for number, values in cursor.fetchall():
            found = compiled[number]
            loaders, attnames = json_loaders(found.fields)
            values = [
                value if load is None or value is None else load(value)
                for load, value in zip(loaders, json.loads(values), strict=True)
            ]
            rows[names[number]].append(found.model.from_db(alias, attnames, values))
    return rows


_together = {}  # {(alias, compiled queries…): the SQL reading them together}


def on_server(connection, sql, server_plans=True):
    """What to run for the compiled `sql` on `connection`: on PostgreSQL `EXECUTE` of a statement
    prepared on that connection (PREPARE, once per connection), so that the database parses and plans
    it once per connection rather than at every call (about 40% of a cold article's database time:
    4 of 10 ms). `sql` itself on SQLite, with DATABASE_PREPARED_STATEMENTS off (behind a pooler that
    shares server connections between transactions), for `server_plans=False`, and for a query the
    server would not prepare (it is then run as it is from then on, and the refusal logged)."""
    if not (server_plans and settings.DATABASE_PREPARED_STATEMENTS and connection.vendor == "postgresql"):
        return sql
    statement = _statements.get(sql)
    if statement is None:
        statement = _statements[sql] = server_statement(sql)
    if statement is REFUSED_BY_SERVER:
        return sql
    connection.ensure_connection()
    # The names prepared on this connection: a new one (reconnected) has none.
    held = getattr(connection, "prepared_statements", None)
    if held is None or held[0] is not connection.connection:
        held = connection.prepared_statements = (connection.connection, set())
    if statement.name not in held[1]:
        try:
            prepare(connection, statement)
        except DatabaseError:
            logger.exception("The database would not prepare a query; it is run unprepared: %s", sql)
            _statements[sql] = REFUSED_BY_SERVER
            return sql
        held[1].add(statement.name)
    return statement.execute


def prepare(connection, statement):
    """PREPARE `statement` on the connection, with the driver's own cursor: work of the connection,
    once, not a query of the request that happens to come first (the query counts of pages and of
    tests count its EXECUTEs). In a transaction, in a savepoint of its own: a refusal must not end the
    caller's transaction. (A prepared statement outlives a rollback: it is the connection's.)"""
    in_transaction = not connection.get_autocommit()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        if in_transaction:
            cursor.execute("SAVEPOINT prepare_statement")
        try:
            cursor.execute(statement.prepare)
        except Exception:
            if in_transaction:
                cursor.execute("ROLLBACK TO SAVEPOINT prepare_statement")
            raise
        finally:
            if in_transaction:
                cursor.execute("RELEASE SAVEPOINT prepare_statement")


@dataclass(frozen=True)
class ServerStatement:
    name: str
    prepare: str  # PREPARE name AS the SQL with $1, $2… for its parameters
    execute: str  # EXECUTE name(%s, %s…): the driver puts the parameters in


REFUSED_BY_SERVER = ServerStatement("", "", "")
_statements = {}  # {compiled SQL: its ServerStatement}: the same on every connection of the process


def executed_sql(sql):
    """The SQL an `EXECUTE` of `on_server` runs (any other SQL as it is): for reading a query log."""
    words = sql.split(maxsplit=2)
    if len(words) > 1 and words[0] == "EXECUTE":
        name = words[1].split("(")[0]
        return next((text for text, statement in _statements.items() if statement.name == name), sql)
    return sql


def server_statement(sql):
    count = 0

    def numbered(match):
        nonlocal count
        if match.group(1) == "%":
            return "%"
        count += 1
        return f"${count}"

    body = re.sub(r"%([%s])", numbered, sql)
    name = "prepared_" + hashlib.sha256(sql.encode()).hexdigest()[:24]
    arguments = f"({', '.join(['%s'] * count)})" if count else ""
    return ServerStatement(name, f"PREPARE {name} AS {body}", f"EXECUTE {name}{arguments}")


def together_sql(connection, compiled):
    array = "JSON_BUILD_ARRAY" if connection.vendor == "postgresql" else "JSON_ARRAY"
    selects = []
    for number, (name, found) in enumerate(compiled.items()):
        if found.fields is None or None in found.fields:
            raise ValueError(f"run_together loads one model's rows without annotations: {name} does not.")
        json_loaders(found.fields)  # refuses a column it cannot load now, not at the first row
        columns = ", ".join(f"p.{connection.ops.quote_name(field.column)}" for field in found.fields)
        selects.append(f"SELECT {number}, CAST({array}({columns}) AS TEXT) FROM ({found.sql}) p")
    return " UNION ALL ".join(selects)


@functools.cache
def json_loaders(fields):
    """For each field, the function from its JSON value to what the field loads (None: as it is),
    and the fields' attribute names."""
    return [json_loader(field) for field in fields], [field.attname for field in fields]


def json_loader(field):
    """A column's value as its field loads it, from the JSON of `run_together` (dates as ISO text,
    booleans as true/false or 1/0); None where the JSON value is the value."""
    kind = field.get_internal_type()
    if kind in ("JSONField", "BinaryField", "DurationField"):
        raise ValueError(f"run_together cannot load a {kind} ({field}): read it with its own query.")
    return {
        "DateTimeField": load_datetime,
        "DateField": parse_date,
        "TimeField": parse_time,
        "BooleanField": bool,
        "NullBooleanField": bool,
        "DecimalField": lambda value: Decimal(str(value)),
        "UUIDField": lambda value: uuid.UUID(str(value)),
    }.get(kind)


def load_datetime(value):
    moment = parse_datetime(value)
    if settings.USE_TZ and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)  # SQLite keeps UTC without an offset
    return moment
