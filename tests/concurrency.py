"""Running one piece of code in several threads at once, each on its own database connection."""

import threading

import pytest
from django.db import connection


def run_together(function, *, times=2):
    """Call `function` in `times` threads at the same moment, each on its own database connection;
    return what each returned (or the exception it raised, by its class name)."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "The in-memory SQLite test database fails a second writer at once ('table is locked'); "
            "a site's SQLite file makes it wait. The suite's PostgreSQL run covers this."
        )
    start, outcomes = threading.Barrier(times), []

    def run():
        try:
            start.wait()
            outcomes.append(function())
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
