"""issues.prepared on PostgreSQL: each query a statement prepared once per connection, then EXECUTEd."""

import logging
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.search.query import search_articles
from issues.prepared import Prepared, executed_sql, on_server, server_statement
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statements are prepared on PostgreSQL only"
)


def in_section(now, *, section):
    return Article.objects.published(now).filter(section=section).order_by("title", "slug", "-lead")


def statements_on_server():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_the_sql_is_numbered_for_prepare_and_its_percent_signs_unescaped():
    statement = server_statement("SELECT '%%' || %s, %s FROM t WHERE a LIKE %s")
    assert statement.prepare == f"PREPARE {statement.name} AS SELECT '%' || $1, $2 FROM t WHERE a LIKE $3"
    assert statement.execute == f"EXECUTE {statement.name}(%s, %s, %s)"
    without = server_statement("SELECT 1")
    assert without.execute == f"EXECUTE {without.name}" and without.name != statement.name


@on_postgresql
def test_a_query_is_prepared_once_per_connection_and_gives_the_orms_rows():
    section = make_section()
    for title in ("B", "A"):
        make_article(title=title, section=section)
    make_article(title="Elsewhere")
    prepared, expected = Prepared(in_section), list(in_section(None, section=section.pk))
    expected_sql = prepared.compile("default", {"section": section.pk}).sql
    before = statements_on_server()
    with CaptureQueriesContext(connection) as first:
        assert prepared(section=section.pk) == expected
    # The PREPARE is the connection's work, not counted among the request's queries.
    [executed] = [q["sql"] for q in first.captured_queries]
    name = executed.split()[1].split("(")[0]
    assert executed.startswith("EXECUTE ") and name in statements_on_server()
    with CaptureQueriesContext(connection) as again:
        assert [a.title for a in prepared(section=section.pk)] == ["A", "B"]
    assert [q["sql"].split("(")[0] for q in again.captured_queries] == [f"EXECUTE {name}"]
    assert statements_on_server() - before <= {name}  # prepared once (or by an earlier test)
    assert executed_sql(executed) == expected_sql and executed_sql("SELECT 1") == "SELECT 1"


@on_postgresql
def test_a_statement_outlives_a_rolled_back_transaction():
    make_article(title="A", section=(section := make_section()))
    prepared = Prepared(in_section)
    try:
        with transaction.atomic():
            prepared(section=section.pk)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert [a.title for a in prepared(section=section.pk)] == ["A"]  # no "does not exist"


@on_postgresql
def test_a_query_the_server_will_not_prepare_runs_as_it_is_and_the_refusal_is_logged(caplog):
    untyped = "SELECT %s IS NULL"  # the type of $1 cannot be told: PREPARE fails
    with caplog.at_level(logging.ERROR, logger="issues.prepared"):
        assert on_server(connection, untyped) == untyped
    assert "would not prepare" in caplog.text
    # The caller's transaction goes on (the PREPARE had its own savepoint), and it is not asked again.
    assert Article.objects.count() == 0
    with CaptureQueriesContext(connection) as queries:
        assert on_server(connection, untyped) == untyped
    assert queries.captured_queries == []


@on_postgresql
def test_off_by_setting_and_for_a_query_planned_at_each_call(settings):
    make_article(title="Glacier talks", lead="glacier")
    settings.DATABASE_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        Prepared(in_section)(section=1)
    assert queries.captured_queries[0]["sql"].startswith("SELECT")
    settings.DATABASE_PREPARED_STATEMENTS = True
    # Search's matches: a common and a rare word are best walked by different indexes.
    with CaptureQueriesContext(connection) as queries:
        assert [a.title for a in search_articles("glacier", language="uz")] == ["Glacier talks"]
    sql = [q["sql"] for q in queries.captured_queries if "websearch_to_tsquery" in q["sql"]]
    assert sql and not any(text.startswith(("PREPARE", "EXECUTE")) for text in sql)


@on_postgresql
def test_another_connection_prepares_the_statement_again():
    """Each connection holds its own statements (a thread's, or the one opened after CONN_MAX_AGE)."""
    prepared = Prepared(in_section)
    assert prepared(section=1) == []  # prepared on this thread's connection
    seen = []

    def in_another_thread():
        try:
            before = statements_on_server()
            with CaptureQueriesContext(connection) as queries:
                rows = prepared(section=1)
            seen.append((before, rows, [q["sql"] for q in queries.captured_queries], statements_on_server()))
        finally:
            connections.close_all()

    thread = threading.Thread(target=in_another_thread)
    thread.start()
    thread.join()
    [(before, rows, executed, after)] = seen
    name = executed[0].split()[1].split("(")[0]
    assert rows == [] and name not in before and after - before == {name}
