"""`manage.py search_index rebuild|status|drain`: look after the knowledge index."""

from __future__ import annotations

import time
from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.timesince import timesince

from search import registry
from search.documents import SearchDocument
from search.engines import get_engine
from search.engines.base import SearchEngine, SearchEngineError
from search.models import OutboxEntry
from search.outbox import (
    SearchRebuildRunning,
    outbox_drain_all,
    outbox_rebuild_lock,
    outbox_status,
)
from search.status import index_status


class Command(BaseCommand):
    help = (
        "rebuild: index every registered kind into a new index, swap it in (searches keep "
        "answering) and empty the outbox rows it covered; status: engine, documents per kind, "
        "outbox backlog; drain: send the outbox to the engine now (ignoring the back-off)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["rebuild", "status", "drain"])
        parser.add_argument("--batch-size", type=int, default=None, help="outbox rows per batch")

    def handle(self, *args, action: str, batch_size: int | None, **options) -> None:
        engine = get_engine()
        try:
            getattr(self, action)(engine, batch_size=batch_size)
        except SearchEngineError as error:
            raise CommandError(f"The {engine.name} search engine failed: {error}") from error

    def rebuild(self, engine: SearchEngine, *, batch_size: int | None, **options) -> None:
        # Drains wait while the rebuild runs (the new index would miss what they send to the
        # old one); rows visible now are covered, since every object is read after this point.
        try:
            with outbox_rebuild_lock():
                covered = list(OutboxEntry.objects.values_list("id", flat=True))
                started = time.monotonic()
                total = engine.rebuild(self._documents())
                for chunk_start in range(0, len(covered), 1000):
                    ids = covered[chunk_start : chunk_start + 1000]
                    OutboxEntry.objects.filter(id__in=ids).delete()
        except SearchRebuildRunning as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {total} documents in {time.monotonic() - started:.1f}s "
                f"with the {engine.name} engine; cleared {len(covered)} outbox entries."
            )
        )
        if OutboxEntry.objects.exists():
            # Changes made during the rebuild.
            self.drain(engine, batch_size=batch_size)

    def _documents(self) -> Iterator[SearchDocument]:
        kinds = registry.kinds()
        if not kinds:
            self.stdout.write("No kinds are registered: the index will be empty.")
        for kind, registration in kinds.items():
            started = time.monotonic()
            objects = documents = 0
            for obj in registration.queryset().iterator(chunk_size=500):
                objects += 1
                doc = registration.to_document(obj)
                if doc is not None:
                    documents += 1
                    yield doc
            self.stdout.write(
                f"{kind}: {documents} documents from {objects} objects "
                f"in {time.monotonic() - started:.1f}s"
            )

    def status(self, engine: SearchEngine, **options) -> None:
        status = index_status(engine)
        self.stdout.write(f"Engine: {status.engine} ({status.location})")
        if status.answers:
            self.stdout.write(f"Documents: {status.documents}")
            for kind, count in status.per_kind.items():
                self.stdout.write(f"  {kind}: {count}")
        self.stdout.write(f"Outbox backlog: {status.backlog}")
        if status.oldest is not None:
            self.stdout.write(
                f"Oldest entry: {timesince(status.oldest, timezone.now())} old "
                f"({status.oldest:%Y-%m-%d %H:%M:%S %Z})"
            )
        if status.next_retry is not None:
            self.stdout.write(f"Next retry: {status.next_retry:%Y-%m-%d %H:%M:%S %Z}")
        if status.rebuild_running:
            self.stdout.write("A rebuild is running.")
        if not status.answers:
            raise SearchEngineError(status.error)

    def drain(self, engine: SearchEngine, *, batch_size: int | None, **options) -> None:
        result = outbox_drain_all(engine=engine, batch_size=batch_size)
        if result.failed:
            self.stderr.write(f"Could not index: {', '.join(result.failed)}")
        if result.requeued:
            self.stdout.write(f"The engine had no index: queued {result.requeued} documents.")
        if result.error:
            raise CommandError(
                f"The {engine.name} search engine failed: {result.error}; "
                f"{outbox_status()['backlog']} outbox entries wait."
            )
        if result.paused:
            raise CommandError("A rebuild is running: the outbox is drained after it.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Drained {result.completed} outbox entries: {result.indexed} documents "
                f"indexed, {result.deleted} removed; {outbox_status()['backlog']} wait."
            )
        )
