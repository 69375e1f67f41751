"""Background tasks of the knowledge index."""

from __future__ import annotations

import logging

from django_tasks import task

from search.outbox import outbox_drain, outbox_next_retry

logger = logging.getLogger(__name__)

MAX_BATCHES_PER_RUN = 50  # a run stays short; the next enqueue or run continues


@task()
def drain_search_outbox(batch_size: int | None = None) -> dict:
    """Drain the outbox batch by batch until it is empty, the engine fails or nothing moves.

    When the engine failed and the task backend can defer, a retry is scheduled for when the
    first waiting entry is due; otherwise the next save, or `search_index drain`, retries.
    """
    totals = {"entries": 0, "completed": 0, "indexed": 0, "deleted": 0, "failed": [], "error": ""}
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
