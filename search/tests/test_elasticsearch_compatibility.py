"""The Elasticsearch client's media types (SEARCH_URL option `api_compatibility`): what reaches
the server, read off a real socket, and what osmem-server (like OpenSearch) makes of them."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from search.engines.base import SearchEngineError
from search.engines.distributed import EngineURL
from search.engines.elasticsearch import ElasticsearchEngine
from search.query import SearchQuery
from tests.search_contract.osmem import elasticsearch_url


@pytest.fixture
def recorder():
    """A server on 127.0.0.1 that answers every request like an empty Elasticsearch index and
    keeps the Accept and Content-Type headers of each request."""
    seen: list[tuple[str, str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            seen.append((self.path, self.headers["Accept"], self.headers.get("Content-Type", "")))
            body = json.dumps(
                {"took": 1, "timed_out": False, "hits": {"total": {"value": 0}, "hits": []}}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("option", "accept", "content_type"),
    [
        ("", "application/vnd.elasticsearch+json; compatible-with=9", "compatible-with=9"),
        (
            "&api_compatibility=8",
            "application/vnd.elasticsearch+json; compatible-with=8",
            "application/vnd.elasticsearch+json; compatible-with=8",
        ),
        ("&api_compatibility=none", "application/json", "application/json"),
    ],
)
def test_the_client_asks_for_the_configured_api_version(recorder, option, accept, content_type):
    port, seen = recorder
    engine = ElasticsearchEngine(EngineURL.parse(f"elasticsearch://127.0.0.1:{port}/k?x=1{option}"))

    results = engine.search(SearchQuery(text="bicycle"))

    assert results.total == 0
    path, sent_accept, sent_type = seen[-1]
    assert path.startswith("/k/_search")
    assert sent_accept == accept
    assert content_type in sent_type


def test_osmem_refuses_versioned_media_types_with_a_clear_error(osmem_search_url):
    versioned = elasticsearch_url(osmem_search_url).replace("&api_compatibility=none", "")
    engine = ElasticsearchEngine(EngineURL.parse(versioned))

    with pytest.raises(SearchEngineError, match="compatible-with=9.*not supported"):
        engine.rebuild([])


def test_osmem_answers_the_elasticsearch_client_asking_for_plain_json(osmem_search_url, db):
    engine = ElasticsearchEngine(EngineURL.parse(elasticsearch_url(osmem_search_url)))

    assert engine.rebuild([]) == 0
    assert engine.count() == 0
    assert engine.search(SearchQuery(text="bicycle")).total == 0
