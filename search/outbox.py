"""The indexing outbox: index updates that survive crashes and engine outages.

A save, delete, publish or unpublish of a registered model writes an `OutboxEntry` (the document
id) in the same transaction as the change, so the change and the promise to index it commit or
roll back together. After commit the drain task is enqueued; `outbox_drain` recomputes each
document from the database at that moment and sends it to the engine, and deletes the entries
only once the engine has taken them. Several changes to one object collapse into one update.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import batched

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from wagtail import signals as wagtail_signals

from search import registry
from search.documents import SearchDocument
from search.engines import get_engine
from search.engines.base import DocumentsRejected, SearchEngine, SearchEngineError
from search.models import OutboxEntry
from search.registry import KindRegistration

logger = logging.getLogger(__name__)

_paused: ContextVar[bool] = ContextVar("search_outbox_paused", default=False)


@dataclass
class DrainResult:
    """What one `outbox_drain` call did."""

    entries: int = 0  # outbox rows read
    completed: int = 0  # outbox rows deleted because the engine took their documents
    indexed: int = 0  # documents sent to the engine
    deleted: int = 0  # documents removed from the engine
    failed: list[str] = field(default_factory=list)  # ids whose to_document or engine refused
    error: str = ""  # set when the engine refused the batch; its rows stay
    paused: bool = False  # a rebuild runs: nothing was drained
    requeued: int = 0  # documents queued because the engine had lost its index


def connect_signals(registration: KindRegistration) -> None:
    """Queue the registration's documents whenever its model (or a subclass) changes.

    One set of receivers serves every kind: they look the registry up at signal time, so
    registering a kind twice, or unregistering it, needs no reconnection.
    """
    post_save.connect(_on_change, dispatch_uid="search.outbox.post_save", weak=False)
    post_delete.connect(_on_change, dispatch_uid="search.outbox.post_delete", weak=False)
    # Publishing a Wagtail page saves it too; the signals also cover snippets with a draft
    # state (`published`/`unpublished`) and unpublishing paths that only send the signal.
    for signal in (
        wagtail_signals.page_published,
        wagtail_signals.page_unpublished,
        wagtail_signals.published,
        wagtail_signals.unpublished,
    ):
        signal.connect(_on_change, dispatch_uid=f"search.outbox.{id(signal)}", weak=False)
    # A move changes the URL of the page and of everything under it.
    wagtail_signals.post_page_move.connect(
        _on_page_move, dispatch_uid="search.outbox.post_page_move", weak=False
    )


def outbox_enqueue(doc_ids: Iterable[str]) -> int:
    """Queue documents for (re)indexing in the current transaction; return how many rows."""
    entries = [OutboxEntry(document_id=doc_id) for doc_id in dict.fromkeys(doc_ids)]
    if not entries or _paused.get():
        return 0
    OutboxEntry.objects.bulk_create(entries)
    _schedule_drain()
    return len(entries)


@contextmanager
def outbox_paused() -> Iterator[None]:
    """Write no outbox rows inside this block (for bulk loads that rebuild the index after)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def outbox_drain(
    batch_size: int | None = None, *, engine: SearchEngine | None = None, force: bool = False
) -> DrainResult:
    """Send the oldest `batch_size` due outbox entries to the engine in one bulk request, then
    delete exactly those.

    Each document is recomputed from the database now: an object that is gone, falls outside
    its kind's queryset or has no document (`to_document` returns None) is deleted from the
    engine. When the engine raises SearchEngineError every row stays and is retried after a
    back-off that doubles with each failure (SEARCH_OUTBOX_RETRY_SECONDS up to
    SEARCH_OUTBOX_RETRY_MAX_SECONDS); `force` ignores the back-off. Documents that
    `to_document` or the engine refuse keep their rows (with back-off); the rest go on.
    When the engine has lost its index (a new or restarted cluster), it is created again and
    every document is queued, so that the index converges with the database.
    While `search_index rebuild` runs, nothing is drained: the rebuild's new index would miss
    what the old one takes; its rows are drained after the alias swap.
    """
    batch_size = batch_size or settings.SEARCH_OUTBOX_BATCH_SIZE
    engine = engine or get_engine()
    result = DrainResult()
    if outbox_rebuild_running():
        result.paused = True
        return result
    try:
        if engine.ensure_index():
            result.requeued = outbox_enqueue_all()
    except SearchEngineError as error:
        result.error = str(error) or error.__class__.__name__
        logger.warning("Search engine unavailable; the outbox waits: %s", result.error)
        return result

    due = OutboxEntry.objects.order_by("id")
    if not force:
        due = due.filter(Q(retry_after__isnull=True) | Q(retry_after__lte=timezone.now()))
    entries = list(due.values_list("id", "document_id", "attempts")[:batch_size])
    result.entries = len(entries)
    if not entries:
        return result

    docs, gone, failed = documents_for(dict.fromkeys(doc_id for _, doc_id, _ in entries))
    try:
        try:
            result.indexed = engine.index(docs) if docs else 0
        except DocumentsRejected as rejected:
            logger.error("The search engine refused %s: %s", ", ".join(rejected.ids), rejected)
            failed |= set(rejected.ids)
            result.indexed = len(docs) - len(rejected.ids)
        if gone:
            engine.delete(gone)
            result.deleted = len(gone)
    except SearchEngineError as error:
        logger.warning("Search engine refused %d outbox entries: %s", len(entries), error)
        result.error = str(error) or error.__class__.__name__
        _back_off(entries)
        return result

    result.failed = sorted(failed)
    done = [entry_id for entry_id, doc_id, _ in entries if doc_id not in failed]
    # Only the rows read above: entries written meanwhile wait for the next run.
    OutboxEntry.objects.filter(id__in=done).delete()
    _back_off([entry for entry in entries if entry[1] in failed])
    result.completed = len(done)
    return result


def outbox_drain_all(
    *,
    engine: SearchEngine | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> DrainResult:
    """Drain batch after batch now (ignoring the back-off) until nothing more is taken, the
    engine fails, a rebuild runs or `max_batches` ran; the result adds the batches up."""
    total = DrainResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        result = outbox_drain(batch_size, engine=engine, force=True)
        batches += 1
        for name in ("entries", "completed", "indexed", "deleted", "requeued"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
        total.failed += result.failed
        if result.error or result.paused:
            total.error, total.paused = result.error, result.paused
            break
        if not result.completed and not result.requeued:
            break
    return total


def outbox_retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failure: doubling, up to a maximum."""
    base = settings.SEARCH_OUTBOX_RETRY_SECONDS
    return min(settings.SEARCH_OUTBOX_RETRY_MAX_SECONDS, base * 2 ** max(0, attempts - 1))


def outbox_next_retry() -> datetime.datetime | None:
    """When the earliest waiting entry is due again (None when none waits)."""
    return (
        OutboxEntry.objects.filter(retry_after__isnull=False)
        .order_by("retry_after")
        .values_list("retry_after", flat=True)
        .first()
    )


def _back_off(entries: list[tuple[int, str, int]]) -> None:
    if not entries:
        return
    attempts = max(entry[2] for entry in entries) + 1
    retry_after = timezone.now() + datetime.timedelta(seconds=outbox_retry_delay(attempts))
    OutboxEntry.objects.filter(id__in=[entry[0] for entry in entries]).update(
        attempts=F("attempts") + 1, retry_after=retry_after
    )


def outbox_enqueue_all() -> int:
    """Queue every object of every registered kind (the engine lost its index); the drain
    that follows sends them in bulk batches. Does not schedule a drain: its caller drains."""
    queued = 0
    for registration in registry.kinds().values():
        pks = registration.queryset().values_list("pk", flat=True).iterator(chunk_size=2000)
        for chunk in batched(pks, 2000):
            OutboxEntry.objects.bulk_create(
                OutboxEntry(document_id=registration.doc_id(pk)) for pk in chunk
            )
            queued += len(chunk)
    logger.warning("Queued %d documents to fill the new search index", queued)
    return queued


_REBUILD_KEY = "search:outbox:rebuild-running"


@contextmanager
def outbox_rebuild_lock(*, timeout: float = 6 * 3600) -> Iterator[None]:
    """Hold outbox drains (in every process sharing the cache) while a rebuild runs."""
    if not cache.add(_REBUILD_KEY, True, timeout=timeout):
        raise SearchRebuildRunning("Another search index rebuild is running.")
    try:
        yield
    finally:
        cache.delete(_REBUILD_KEY)


def outbox_rebuild_running() -> bool:
    return bool(cache.get(_REBUILD_KEY))


class SearchRebuildRunning(RuntimeError):
    """A rebuild was asked for while one runs."""


def documents_for(doc_ids: Iterable[str]) -> tuple[list[SearchDocument], list[str], set[str]]:
    """Recompute documents from the database: (documents, ids to delete, ids that failed).

    One query per kind, whatever the number of ids.
    """
    by_kind: dict[str, list[str]] = defaultdict(list)
    for doc_id in doc_ids:
        kind, _, pk = doc_id.partition(":")
        by_kind[kind].append(pk)

    docs: list[SearchDocument] = []
    gone: list[str] = []
    failed: set[str] = set()
    kinds = registry.kinds()
    for kind, pks in by_kind.items():
        registration = kinds.get(kind)
        if registration is None:
            gone.extend(f"{kind}:{pk}" for pk in pks)  # a kind no longer registered
            continue
        valid = _valid_pks(registration.model, pks)
        objects = {str(obj.pk): obj for obj in registration.queryset().filter(pk__in=valid)}
        for pk in pks:
            doc_id = registration.doc_id(pk)
            obj = objects.get(pk)
            if obj is None:
                gone.append(doc_id)
                continue
            try:
                doc = registration.to_document(obj)
            except Exception:
                logger.exception("to_document failed for %s; its outbox rows stay", doc_id)
                failed.add(doc_id)
                continue
            if doc is None:
                gone.append(doc_id)
            else:
                docs.append(doc)
    return docs, gone, failed


def outbox_status() -> dict:
    """Backlog size and the creation time of the oldest entry (None when empty)."""
    oldest = OutboxEntry.objects.order_by("id").values_list("created", flat=True).first()
    return {"backlog": OutboxEntry.objects.count(), "oldest": oldest}


# -- signal receivers ---------------------------------------------------------------------


def _on_change(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the loader rebuilds afterwards
        return
    doc_ids = [
        registration.doc_id(instance.pk)
        for registration in registry.kinds().values()
        if isinstance(sender, type) and issubclass(sender, registration.model)
    ]
    if doc_ids and instance.pk is not None:
        outbox_enqueue(doc_ids + _translation_doc_ids(instance))


def _translation_doc_ids(instance: models.Model) -> list[str]:
    """The documents of a page's other language versions: publishing or withdrawing one
    changes which version a reader of each language finds (`SearchDocument.hidden_for`)."""
    from wagtail.models import Page

    if not isinstance(instance, Page) or not instance.translation_key:
        return []
    registration = registry.kind_for_model(type(instance))
    if registration is None:
        return []
    others = (
        Page.objects.filter(translation_key=instance.translation_key)
        .exclude(pk=instance.pk)
        .values_list("pk", flat=True)
    )
    return [registration.doc_id(pk) for pk in others]


def _on_page_move(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    registrations = list(registry.kinds().values())
    if not registrations:
        return
    pages = Page.objects.descendant_of(instance, inclusive=True)
    doc_ids = []
    for pk, content_type_id in pages.values_list("pk", "content_type_id"):
        model = _model_for_content_type(content_type_id)
        doc_ids += [r.doc_id(pk) for r in registrations if model and issubclass(model, r.model)]
    outbox_enqueue(doc_ids)


def _model_for_content_type(content_type_id: int) -> type[models.Model] | None:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_id(content_type_id).model_class()


def _valid_pks(model: type[models.Model], pks: Iterable[str]) -> list:
    valid = []
    for pk in pks:
        try:
            valid.append(model._meta.pk.to_python(pk))
        except (ValidationError, ValueError, TypeError):
            continue  # an id this model cannot hold: it is reported as gone
    return valid


def _schedule_drain() -> None:
    # One drain per transaction is enough: it reads every row committed by then.
    if connection.in_atomic_block and any(
        # entry[1] is the callable: Django's entries are (savepoints, func, robust), 3 items
        # although django-stubs declares 2, so the tuple is indexed rather than unpacked.
        isinstance(func := entry[1], _DrainAfterCommit) and not func.done
        for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_DrainAfterCommit())


class _DrainAfterCommit:
    """The on-commit callback that enqueues the drain task; remembers that it ran (test
    helpers run callbacks without removing them from the connection's list)."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        from search.tasks import drain_search_outbox

        self.done = True
        try:
            drain_search_outbox.enqueue()
        except Exception:
            # The rows are committed; the next drain (or `search_index drain`) takes them.
            logger.exception("Could not enqueue the search outbox drain")
