"""`manage.py search_index rebuild|status|drain`."""

from io import StringIO

from django.core.management import CommandError, call_command

import pytest

from search.models import OutboxEntry
from search.outbox import outbox_paused
from search.query import SearchQuery


def run(*args) -> str:
    out = StringIO()
    call_command("search_index", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_rebuild_indexes_every_registered_kind_and_empties_the_outbox(
    test_kind, make_page, database_engine
):
    make_page("Bicycle lanes")
    make_page("Housing first")
    database_engine.index([])  # nothing indexed yet
    assert OutboxEntry.objects.count() == 2

    output = run("rebuild")

    assert "testpage: 2 documents from 2 objects" in output
    assert "Indexed 2 documents" in output
    assert database_engine.search(SearchQuery(text="housing")).total == 1
    assert OutboxEntry.objects.count() == 0


def test_rebuild_replaces_documents_that_no_longer_exist(test_kind, indexed):
    output = run("rebuild")

    assert "Indexed 0 documents" in output
    assert indexed.count() == 0


def test_status_reports_engine_documents_per_kind_and_backlog(test_kind, make_page, indexed):
    make_page("Waiting")

    output = run("status")

    assert "Engine: database" in output
    assert "Documents: 10" in output
    assert "  case: 3" in output
    assert "  member: 1" in output  # members-only documents are counted too
    assert "  testpage: 0" in output
    assert "Outbox backlog: 1" in output
    assert "Oldest entry:" in output


def test_status_of_an_empty_outbox(database_engine):
    output = run("status")

    assert "Outbox backlog: 0" in output
    assert "Oldest entry" not in output


def test_drain_sends_the_backlog_to_the_engine(test_kind, make_page, database_engine):
    for n in range(5):
        make_page(f"Page {n}")

    output = run("drain", "--batch-size", "2")

    assert "Drained 5 outbox entries: 5 documents indexed" in output
    assert database_engine.count() == 5
    assert OutboxEntry.objects.count() == 0


def test_drain_reports_an_engine_failure(test_kind, make_page, monkeypatch):
    from search.management.commands import search_index
    from search.tests.test_outbox import BrokenEngine

    make_page("Bicycle lanes")
    monkeypatch.setattr(search_index, "get_engine", BrokenEngine)

    with pytest.raises(CommandError, match="connection refused; 1 outbox entries wait"):
        run("drain")
    assert OutboxEntry.objects.count() == 1


def test_paused_loads_are_indexed_by_a_rebuild(test_kind, make_page, database_engine):
    with outbox_paused():
        make_page("Loaded in bulk")

    run("rebuild")

    assert database_engine.search(SearchQuery(text="bulk")).total == 1
