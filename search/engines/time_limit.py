"""A bound on how long the database may spend on one search, so that no query text (thousands
of words, a prefix of every word) can hold a worker: past the limit the search stops with
`SearchTooSlow`, which the pages answer with a message instead of results.

PostgreSQL: `statement_timeout`, set inside a savepoint so that a stopped search rolls back to
it and the request goes on (three statements: the savepoint, the setting, its release). The
setting lasts to the end of the transaction (a web request's, or the one opened here): no other
statement of a request comes near it. SQLite: a progress handler that interrupts the statement
running when the time is up (no statement).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from search.engines.base import SearchTooSlow

DEFAULT_SECONDS = 5.0
# SQLite calls the handler every this many virtual machine instructions (a few milliseconds).
_SQLITE_STEPS = 5_000


def search_seconds() -> float:
    """The limit: `SEARCH_TIME_LIMIT_SECONDS`, else DEFAULT_SECONDS."""
    return float(getattr(settings, "SEARCH_TIME_LIMIT_SECONDS", DEFAULT_SECONDS))


@contextlib.contextmanager
def search_time_limit(seconds: float | None = None) -> Iterator[None]:
    """Run the block's queries under a time limit; raise SearchTooSlow when it is passed."""
    seconds = search_seconds() if seconds is None else seconds
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with _postgres_limit(seconds):
            yield
    elif connection.vendor == "sqlite":
        with _sqlite_limit(seconds):
            yield
    else:
        yield


def time_limit_statements() -> int:
    """How many statements the limit adds to a search on this database (for query counts)."""
    return 3 if connection.vendor == "postgresql" else 0


@contextlib.contextmanager
def _postgres_limit(seconds: float) -> Iterator[None]:
    from psycopg import errors

    milliseconds = max(int(seconds * 1000), 1)  # 0 would mean no limit
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)", [str(milliseconds)]
                )
            yield
    except DatabaseError as error:
        if isinstance(error.__cause__, errors.QueryCanceled):
            raise SearchTooSlow(seconds) from error
        raise


@contextlib.contextmanager
def _sqlite_limit(seconds: float) -> Iterator[None]:
    deadline = time.monotonic() + seconds
    expired = False

    def interrupt() -> int:
        nonlocal expired
        expired = time.monotonic() > deadline
        return int(expired)

    raw = connection.connection
    raw.set_progress_handler(interrupt, _SQLITE_STEPS)
    try:
        yield
    except DatabaseError as error:
        if expired:
            raise SearchTooSlow(seconds) from error
        raise
    finally:
        raw.set_progress_handler(None, 0)
