"""Background tasks of the knowledge index."""

from __future__ import annotations

import logging
from typing import TypedDict

from django_tasks import task

from search.outbox import outbox_drain, outbox_next_retry

logger = logging.getLogger(__name__)

MAX_BATCHES_PER_RUN = 50  # a run stays short; the next enqueue or run continues


class DrainTotals(TypedDict):
    """What one `drain_search_outbox` run did, summed over its batches."""

    entries: int
    completed: int
    indexed: int
    deleted: int
    failed: list[str]
    error: str


@task()
def drain_search_outbox(batch_size: int | None = None) -> DrainTotals:
    """Drain the outbox batch by batch until it is empty, the engine fails or nothing moves.

    When the engine failed and the task backend can defer, a retry is scheduled for when the
    first waiting entry is due; otherwise the next save, or `search_index drain`, retries.
    """
    totals: DrainTotals = {
        "entries": 0,
        "completed": 0,
        "indexed": 0,
        "deleted": 0,
        "failed": [],
        "error": "",
    }
    for _ in range(MAX_BATCHES_PER_RUN):
        result = outbox_drain(batch_size=batch_size)
        totals["entries"] += result.entries
        totals["completed"] += result.completed
        totals["indexed"] += result.indexed
        totals["deleted"] += result.deleted
        totals["failed"] += result.failed
        totals["error"] = result.error
        # Stop when empty, when the engine refused, or when only failing documents remain.
        if not result.completed:
            break
    if totals["error"]:
        _schedule_retry()
    return totals


def _schedule_retry() -> None:
    retry_at = outbox_next_retry()
    if retry_at is None or not drain_search_outbox.get_backend().supports_defer:
        return
    try:
        drain_search_outbox.using(run_after=retry_at).enqueue()
    except Exception:
        logger.exception("Could not schedule the search outbox retry")
