"""Index updates are queued with the change, drained after commit, and never lost."""

import datetime

from django.db import transaction
from django.utils import timezone

import pytest

from search.engines.base import SearchEngine, SearchEngineError
from search.models import OutboxEntry
from search.outbox import outbox_drain, outbox_enqueue, outbox_paused
from search.query import SearchQuery
from search.tasks import drain_search_outbox


def queued() -> list[str]:
    return list(OutboxEntry.objects.values_list("document_id", flat=True))


class BrokenEngine(SearchEngine):
    """An engine that is down."""

    name = "broken"

    def index(self, docs):
        raise SearchEngineError("connection refused")

    def delete(self, ids):
        raise SearchEngineError("connection refused")

    def search(self, query):
        raise SearchEngineError("connection refused")

    def suggest(self, prefix, *, limit=8):
        raise SearchEngineError("connection refused")

    def related(self, doc_id, *, limit=6):
        raise SearchEngineError("connection refused")

    def count(self):
        raise SearchEngineError("connection refused")

    def clear(self):
        raise SearchEngineError("connection refused")


def test_saving_a_registered_model_queues_its_document(test_kind, make_page):
    page = make_page()
    OutboxEntry.objects.all().delete()

    page.title = "Renamed"
    page.save()

    assert queued() == [f"testpage:{page.pk}"]


def test_the_outbox_row_is_written_in_the_same_transaction(test_kind, make_page):
    page = make_page()
    OutboxEntry.objects.all().delete()

    with transaction.atomic():
        page.save()
        assert queued() == [f"testpage:{page.pk}"]
        transaction.set_rollback(True)

    assert queued() == []


def test_a_rolled_back_change_writes_no_row(test_kind, make_page):
    page = make_page()
    OutboxEntry.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        page.save()
        raise RuntimeError("the change fails")

    assert queued() == []


def test_unregistered_models_write_no_rows(make_page):
    make_page()

    assert queued() == []


def test_the_drain_is_enqueued_once_after_commit(
    test_kind, make_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        page = make_page()
        page.save()
        page.save()

    assert len(callbacks) == 1


def test_publishing_and_committing_indexes_the_page(
    test_kind, make_page, database_engine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = make_page("Bicycle lanes", intro="A trial")

    results = database_engine.search(SearchQuery(text="bicycle"))
    assert [hit.document.id for hit in results.hits] == [f"testpage:{page.pk}"]
    assert queued() == []


def test_deleting_a_page_removes_its_document(
    test_kind, make_page, database_engine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = make_page("Bicycle lanes")
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()

    assert database_engine.count() == 0
    assert queued() == []


def test_unpublishing_a_page_removes_its_document(
    test_kind, make_page, database_engine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = make_page("Bicycle lanes")
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()

    assert database_engine.count() == 0


def test_drain_indexes_then_deletes_the_rows(test_kind, make_page, database_engine):
    page = make_page("Bicycle lanes")
    page.save()  # a second row for the same document

    result = outbox_drain()

    assert result.entries == 2
    assert result.completed == 2
    assert result.indexed == 1  # deduplicated
    assert database_engine.count() == 1
    assert queued() == []


def test_drain_reads_the_object_as_it_is_at_drain_time(test_kind, make_page, database_engine):
    page = make_page("Old title")
    type(page).objects.filter(pk=page.pk).update(title="New title")  # no signal

    outbox_drain()

    assert database_engine.search(SearchQuery(text="new")).total == 1
    assert database_engine.search(SearchQuery(text="old")).total == 0


def test_drain_deletes_only_the_rows_it_processed(test_kind, make_page, database_engine):
    page = make_page("Bicycle lanes")
    registration = test_kind
    original = registration.to_document

    def to_document_while_someone_saves(obj):
        outbox_enqueue([f"testpage:{page.pk}"])  # a change committed during the drain
        return original(obj)

    object.__setattr__(registration, "to_document", to_document_while_someone_saves)
    result = outbox_drain()

    assert result.completed == 1
    assert queued() == [f"testpage:{page.pk}"]


def test_drain_respects_the_batch_size(test_kind, make_page, database_engine):
    pages = [make_page(f"Page {n}") for n in range(3)]

    result = outbox_drain(2)

    assert result.entries == 2
    assert queued() == [f"testpage:{pages[2].pk}"]


def test_engine_failure_keeps_the_rows(test_kind, make_page):
    make_page("Bicycle lanes")

    result = outbox_drain(engine=BrokenEngine())

    assert result.error == "connection refused"
    assert result.completed == 0
    assert len(queued()) == 1


def test_rows_left_by_a_failure_wait_for_their_back_off_then_drain(
    test_kind, make_page, database_engine
):
    make_page("Bicycle lanes")
    outbox_drain(engine=BrokenEngine())

    # Not asked again at once: the engine gets time to come back.
    assert outbox_drain().entries == 0
    assert database_engine.count() == 0

    OutboxEntry.objects.update(retry_after=timezone.now() - datetime.timedelta(seconds=1))
    outbox_drain()

    assert database_engine.count() == 1
    assert queued() == []


def test_each_failure_doubles_the_wait_up_to_the_maximum(test_kind, make_page, settings):
    settings.SEARCH_OUTBOX_RETRY_SECONDS = 5
    settings.SEARCH_OUTBOX_RETRY_MAX_SECONDS = 60
    make_page("Bicycle lanes")
    waits = []
    for _ in range(6):
        before = timezone.now()
        outbox_drain(engine=BrokenEngine(), force=True)
        entry = OutboxEntry.objects.get()
        waits.append(round((entry.retry_after - before).total_seconds()))

    assert waits == [5, 10, 20, 40, 60, 60]
    assert OutboxEntry.objects.get().attempts == 6


def test_forced_drain_ignores_the_back_off(test_kind, make_page, database_engine):
    make_page("Bicycle lanes")
    outbox_drain(engine=BrokenEngine())

    result = outbox_drain(force=True)

    assert result.completed == 1
    assert database_engine.count() == 1


def test_nothing_drains_while_a_rebuild_runs(test_kind, make_page, database_engine):
    from search.outbox import outbox_rebuild_lock

    make_page("Bicycle lanes")
    with outbox_rebuild_lock():
        result = outbox_drain()

    assert result.paused
    assert len(queued()) == 1
    assert outbox_drain().completed == 1


def test_missing_objects_and_unknown_kinds_are_deleted_from_the_engine(test_kind, database_engine):
    from search.documents import SearchDocument

    database_engine.index(
        [
            SearchDocument(id="testpage:999", kind="testpage", url="/", title="Gone"),
            SearchDocument(id="retired:1", kind="retired", url="/", title="Retired"),
        ]
    )
    outbox_enqueue(["testpage:999", "retired:1", "testpage:not-a-number"])

    result = outbox_drain()

    assert result.deleted == 3
    assert database_engine.count() == 0
    assert queued() == []


def test_a_document_that_fails_to_build_keeps_its_row(test_kind, make_page, database_engine):
    good = make_page("Good")
    bad = make_page("Bad")

    def to_document(obj):
        if obj.pk == bad.pk:
            raise ValueError("broken content")
        return test_kind_document(obj)

    test_kind_document = test_kind.to_document
    object.__setattr__(test_kind, "to_document", to_document)
    result = outbox_drain()

    assert result.failed == [f"testpage:{bad.pk}"]
    assert queued() == [f"testpage:{bad.pk}"]
    assert database_engine.search(SearchQuery(text="good")).hits[0].document.id == (
        f"testpage:{good.pk}"
    )


def test_paused_outbox_writes_no_rows(test_kind, make_page):
    with outbox_paused():
        make_page()

    assert queued() == []


def test_moving_a_page_queues_it_and_its_descendants(test_kind, make_page):
    from portal.models import StandardPage

    parent = make_page("Parent")
    child = parent.add_child(instance=StandardPage(title="Child"))
    target = make_page("Target")
    OutboxEntry.objects.all().delete()

    parent.move(target, pos="last-child")

    assert {f"testpage:{parent.pk}", f"testpage:{child.pk}"} <= set(queued())


def test_drain_task_empties_the_outbox(test_kind, make_page, database_engine):
    make_page("Bicycle lanes")

    result = drain_search_outbox.enqueue()

    assert result.return_value["completed"] == 1
    assert database_engine.count() == 1
    assert queued() == []
