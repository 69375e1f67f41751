"""pytest fixtures that run osmem-server for the OpenSearch engine (imported by conftest.py
files that need them). Outside CI a missing binary skips the tests; under CI=true it fails."""

from __future__ import annotations

import os

import pytest

from search.osmem import OsmemUnavailable, osmem_start


def osmem_or_skip(**options):
    """A started osmem-server, or skip (fail under CI) when it cannot run here."""
    try:
        return osmem_start(**options)
    except OsmemUnavailable as error:
        message = f"osmem-server is not available: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def search_osmem():
    """One osmem-server for the whole session (indices are per test: see `osmem_url_for`)."""
    server = osmem_or_skip()
    yield server
    server.close()


@pytest.fixture
def osmem_search_url(search_osmem, request) -> str:
    """A SEARCH_URL on the session's osmem with an index of this test's own."""
    name = "t" + "".join(c if c.isalnum() else "-" for c in request.node.name.lower())[:60]
    host = search_osmem.url.removeprefix("http://")
    # osmem-server 0.1.6 mis-stems Finnish queries (see search.engines.distributed).
    return f"opensearch://{host}/{name.strip('-')}?languages=en,sv"


def elasticsearch_url(opensearch_url: str) -> str:
    """The same osmem index as an Elasticsearch SEARCH_URL. osmem, like OpenSearch, refuses
    the Elasticsearch client's versioned media types, so the client sends plain JSON."""
    return "elasticsearch" + opensearch_url.removeprefix("opensearch") + "&api_compatibility=none"
