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


def test_a_stopped_search_leaves_the_request_able_to_go_on():
    with pytest.raises(SearchTooSlow), search_time_limit(0.2), connection.cursor() as cursor:
        cursor.execute(SLOW[connection.vendor])

    # the page that says so still reads the database
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
        if connection.vendor == "sqlite":
            # and nothing interrupts SQLite after the search
            cursor.execute(SLOW["sqlite"].replace("100000000", "300000"))
