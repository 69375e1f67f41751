"""Background tasks of the knowledge index."""

from __future__ import annotations

from django_tasks import task

from search.outbox import outbox_drain

MAX_BATCHES_PER_RUN = 50  # a run stays short; the next enqueue or run continues


@task()
def drain_search_outbox(batch_size: int | None = None) -> dict:
    """Drain the outbox batch by batch until it is empty, the engine fails or nothing moves."""
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
    return totals
