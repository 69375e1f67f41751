"""No lost updates with a real engine process: osmem is stopped while content changes, started
again (empty, as a restarted in-memory engine is), and the outbox makes the index converge."""

from django.core.management import call_command

import pytest

from search import selectors
from search.documents import Visibility
from search.engines import get_engine
from search.models import OutboxEntry
from search.osmem import osmem_free_port
from search.outbox import documents_for, outbox_drain
from search.query import SearchQuery
from tests.search_contract.osmem import osmem_or_skip


@pytest.fixture(params=["opensearch", "elasticsearch"])
def scheme(request) -> str:
    """Each test runs through both distributed engines (Elasticsearch's client asking osmem
    for plain JSON)."""
    return request.param


def engine_url(scheme: str, port, *, timeout: int) -> str:
    url = f"{scheme}://127.0.0.1:{port}/outage?timeout={timeout}&languages=en,sv"
    return url + "&api_compatibility=none" if scheme == "elasticsearch" else url


@pytest.fixture
def own_osmem(settings, monkeypatch, scheme):
    """An osmem-server of this test's own on a fixed port, so that it can be restarted."""
    monkeypatch.setattr(selectors, "_outage", selectors._Outage())
    port = osmem_free_port()
    servers = [osmem_or_skip(port=port)]
    settings.SEARCH_URL = engine_url(scheme, port, timeout=2)
    settings.SEARCH_RETRY_SECONDS = 0

    class Control:
        number = port

        def stop(self):
            servers[-1].close()

        def start(self):
            servers.append(osmem_or_skip(port=port))

    yield Control()
    servers[-1].close()


def indexed_titles() -> dict[str, str]:
    results = get_engine().search(
        SearchQuery(visibility=(Visibility.PUBLIC, Visibility.MEMBERS), page_size=1000)
    )
    return {hit.document.id: hit.document.title for hit in results.hits}


def database_titles(test_kind) -> dict[str, str]:
    ids = [test_kind.doc_id(pk) for pk in test_kind.queryset().values_list("pk", flat=True)]
    docs, _, _ = documents_for(ids)
    return {doc.id: doc.title for doc in docs}


def test_index_converges_after_the_engine_was_stopped_and_restarted(
    test_kind, make_page, own_osmem, database_engine, scheme
):
    pages = [make_page(f"Pilot {n}") for n in range(5)]
    call_command("search_index", "drain")  # creates the index and fills it
    assert indexed_titles() == database_titles(test_kind)

    own_osmem.stop()
    pages[0].title = "Bicycle pilot"
    pages[0].save_revision().publish()
    pages[1].delete()
    make_page("Library pilot")
    result = outbox_drain()

    assert result.error  # the engine is down: every row stays
    assert OutboxEntry.objects.count() >= 3
    # Meanwhile searches answer from the database engine.
    database_engine.rebuild(documents_for(database_titles(test_kind))[0])
    degraded = selectors.search_run(SearchQuery(text="bicycle"))
    assert (degraded.engine, degraded.degraded, degraded.total) == ("database", True, 1)

    own_osmem.start()  # empty: osmem keeps its index in memory
    call_command("search_index", "drain")

    assert OutboxEntry.objects.count() == 0
    assert indexed_titles() == database_titles(test_kind)
    assert len(indexed_titles()) == 5
    back = selectors.search_run(SearchQuery(text="bicycle"))
    assert (back.engine, back.degraded, back.total) == (scheme, False, 1)


def test_changes_made_while_the_engine_is_down_reach_a_surviving_index(
    test_kind, make_page, own_osmem, settings, scheme
):
    page = make_page("Pilot")
    call_command("search_index", "drain")

    # The engine stays up but this process cannot reach it (a network outage).
    settings.SEARCH_URL = engine_url(scheme, osmem_free_port(), timeout=1)
    page.title = "Renamed pilot"
    page.save_revision().publish()
    assert outbox_drain().error

    settings.SEARCH_URL = engine_url(scheme, own_osmem.number, timeout=2)
    call_command("search_index", "drain")

    assert indexed_titles() == {test_kind.doc_id(page.pk): "Renamed pilot"}
