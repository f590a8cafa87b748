"""Related rows loaded inside their parent's query: a JSON array per row, as `prefetch_related` leaves them.

The article page reads its authors and tags with the article itself (one query instead of three): each
is a subquery aggregated into a JSON array of arrays, decoded here into model instances that are
recorded as shown like any loaded row (`from_db`), and kept where `prefetch_related` keeps its rows,
so `article.authors.all()` and `article.tags.all()` cost no query.
"""

from django.db import connection
from django.db.models import Aggregate, F, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONArray


class JSONRows(Aggregate):
    """A JSON array of rows, each the array of `columns`, in the order of `order_by` (a column's name)
    (PostgreSQL jsonb_agg, SQLite json_group_array)."""

    function = "JSONB_AGG"
    output_field = JSONField()
    allow_order_by = True

    def __init__(self, *columns, order_by):
        if not connection.features.supports_aggregate_order_by_clause:
            order_by = None  # SQLite before 3.44: `in_order` sorts the rows in Python
        super().__init__(JSONArray(*columns), order_by=order_by)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def rows_of(queryset, link, columns, order_by):
    """The JSON rows of `queryset`'s `columns` for the outer row its `link` field names (a subquery),
    ordered by `order_by`, one of the columns."""
    rows = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Subquery(rows.annotate(rows=JSONRows(*columns, order_by=F(order_by))).values("rows"))


def in_order(rows, index):
    """`rows` (from `rows_of`) in their order: where the database could not order inside an aggregate
    (SQLite before 3.44), sorted here by the column at `index`. SQLite compares text by code point,
    as Python does, so the order is the one its ORDER BY gives."""
    rows = rows or []
    if not connection.features.supports_aggregate_order_by_clause:
        rows = sorted(rows, key=lambda row: row[index])
    return rows


def keep_prefetched(instance, name, model, columns, rows):
    """`instance.<name>.all()` answers the instances of `model` made of `rows` (the values of `columns`,
    in the model's field order), as if prefetched: Django's own prefetch keeps its rows this way (a
    queryset with its result cache set). Each is recorded as shown, as a loaded row is (`from_db`)."""
    objects = [model.from_db(instance._state.db, columns, row) for row in rows]
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache, queryset._prefetch_done = objects, True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
    return objects
