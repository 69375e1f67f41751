"""No search may hold a worker: past its time limit the database stops it."""

import time

from django.db import connection

import pytest

from search.engines.base import SearchTooSlow
from search.engines.time_limit import search_time_limit

pytestmark = pytest.mark.django_db

SLOW = {
    "sqlite": (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
        "SELECT count(*) FROM n"
    ),
    "postgresql": "SELECT pg_sleep(5)",
}


def test_a_search_past_its_time_limit_is_stopped():
    started = time.monotonic()
    with pytest.raises(SearchTooSlow), search_time_limit(0.2), connection.cursor() as cursor:
        cursor.execute(SLOW[connection.vendor])

    assert time.monotonic() - started < 2


def test_the_limit_holds_only_for_the_search():
    with search_time_limit(0.2), connection.cursor() as cursor:
        cursor.execute("SELECT 1")

    # a statement after the search runs as long as it needs
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_sleep(0.3)")
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "0"
        else:
            cursor.execute(SLOW["sqlite"].replace("100000000", "300000"))
