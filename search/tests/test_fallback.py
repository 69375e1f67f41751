"""When the configured cluster does not answer, the database answers, says so, and the outage
is logged once; autocomplete works on every engine the same way."""

import logging
import socket
import time

import pytest

from search import selectors
from search.engines import get_engine
from search.osmem import osmem_free_port
from search.query import SearchQuery
from tests.search_contract.documents import CONTRACT_DOCUMENTS

pytestmark = pytest.mark.usefixtures("indexed")


@pytest.fixture(autouse=True)
def fresh_outage(monkeypatch):
    """Each test starts with the cluster believed up."""
    monkeypatch.setattr(selectors, "_outage", selectors._Outage())


@pytest.fixture
def cluster_down(settings):
    """SEARCH_URL names a port where nothing listens."""
    settings.SEARCH_URL = f"opensearch://127.0.0.1:{osmem_free_port()}/kokeilu?timeout=1"
    settings.SEARCH_RETRY_SECONDS = 0  # ask the cluster on every request
    return settings.SEARCH_URL


@pytest.fixture
def cluster_hanging(settings):
    """SEARCH_URL names a port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        settings.SEARCH_URL = f"opensearch://127.0.0.1:{sock.getsockname()[1]}/k?timeout=0.5"
        yield


def selector_logs(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "search.selectors"]


def test_api_answers_from_the_database_and_says_so(client, cluster_down):
    data = client.get("/en/api/search/", {"q": "bicycle"}).json()

    assert data["engine"] == "database"
    assert data["degraded"] is True
    assert [hit["id"] for hit in data["hits"]] == ["case:1", "case:3"]


def test_search_page_tells_the_visitor(client, cluster_down):
    response = client.get("/en/search/", {"q": "bicycle"})

    assert response.status_code == 200
    assert "answering from the database while the search cluster is unavailable" in (
        response.content.decode()
    )
    assert "Bicycle</mark> lanes for Helsinki" in response.content.decode()


def test_an_outage_is_logged_once_not_per_request(client, cluster_down, caplog):
    with caplog.at_level(logging.INFO):
        for _ in range(4):
            assert client.get("/en/api/search/", {"q": "bicycle"}).json()["degraded"] is True

    records = selector_logs(caplog)
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert "does not answer" in records[0].getMessage()


def test_while_down_the_cluster_is_not_waited_for_on_every_request(cluster_hanging, settings):
    settings.SEARCH_RETRY_SECONDS = 3600
    started = time.monotonic()
    first = selectors.search_run(SearchQuery(text="bicycle"))
    first_took = time.monotonic() - started

    started = time.monotonic()
    for _ in range(5):
        assert selectors.search_run(SearchQuery(text="bicycle")).degraded
    rest_took = time.monotonic() - started

    assert first.degraded
    assert first_took >= 0.5  # the request timed out
    assert rest_took < first_took  # five searches together: no timeout waited for


def test_recovery_is_logged_once_and_the_cluster_answers_again(
    cluster_down, osmem_search_url, settings, caplog
):
    with caplog.at_level(logging.INFO):
        assert selectors.search_run(SearchQuery(text="bicycle")).degraded
        settings.SEARCH_URL = osmem_search_url
        get_engine().rebuild(CONTRACT_DOCUMENTS)
        results = selectors.search_run(SearchQuery(text="bicycle"))
        selectors.search_run(SearchQuery(text="bicycle"))

    assert (results.engine, results.degraded) == ("opensearch", False)
    assert [hit.document.id for hit in results.hits] == ["case:1", "case:3"]
    messages = [record.getMessage() for record in selector_logs(caplog)]
    assert len(messages) == 2
    assert "answers again" in messages[1]


# -- autocomplete ----------------------------------------------------------------------------


def test_suggest_api_lists_matching_titles(client):
    data = client.get("/en/api/search/suggest/", {"q": "bic"}).json()

    assert data["engine"] == "database"
    assert data["degraded"] is False
    assert data["suggestions"] == [
        {
            "id": "case:1",
            "title": "Bicycle lanes for Helsinki",
            "url": "/en/cases/bicycle-lanes/",
            "kind": "case",
            "kind_label": "Case study",
        }
    ]


def test_suggest_api_with_no_text_suggests_nothing(client):
    assert client.get("/en/api/search/suggest/", {"q": "  "}).json()["suggestions"] == []


@pytest.mark.parametrize("limit", ["0", "21", "many"])
def test_suggest_api_refuses_a_bad_limit(client, limit):
    response = client.get("/en/api/search/suggest/", {"q": "bic", "limit": limit})

    assert response.status_code == 400
    assert "limit" in response.json()["error"]


def test_suggest_api_falls_back_to_the_database(client, cluster_down):
    data = client.get("/en/api/search/suggest/", {"q": "exp", "limit": 2}).json()

    assert (data["engine"], data["degraded"]) == ("database", True)
    assert len(data["suggestions"]) == 2


def test_suggest_api_answers_from_the_cluster(client, osmem_search_url, settings):
    settings.SEARCH_URL = osmem_search_url
    get_engine().rebuild(CONTRACT_DOCUMENTS)

    data = client.get("/en/api/search/suggest/", {"q": "Exp"}).json()

    assert (data["engine"], data["degraded"]) == ("opensearch", False)
    assert {s["id"] for s in data["suggestions"]} == {"case:3", "tool:1", "story:2"}
