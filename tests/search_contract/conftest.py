"""The engines every contract test runs against.

Add an engine by adding its name to ENGINES and a branch to `_make_engine`: it must return an
engine that `rebuild` can fill with CONTRACT_DOCUMENTS. The OpenSearch and Elasticsearch engines
run against an osmem-server started once per session (skipped when the binary is missing, failed
under CI); the Elasticsearch client asks osmem for plain JSON (`api_compatibility=none`), the
only difference from a real Elasticsearch cluster.
Every engine gets a test database: the database engine lives in it, and the others fall back
to it. The editors' synonyms (seeded by a migration) are taken away, so that each test sees only
the synonyms it sets.
"""

import pytest

from search.engines.base import SearchEngine
from tests.search_contract.documents import CONTRACT_DOCUMENTS
from tests.search_contract.osmem import (  # noqa: F401 (fixtures)
    elasticsearch_url,
    osmem_search_url,
    search_osmem,
)

ENGINES = ["database", "opensearch", "elasticsearch"]


def _make_engine(name: str, request: pytest.FixtureRequest) -> SearchEngine:
    if name == "database":
        from search.engines.database import DatabaseEngine

        return DatabaseEngine()
    if name == "opensearch":
        from search.engines.distributed import EngineURL
        from search.engines.opensearch import OpenSearchEngine

        return OpenSearchEngine(EngineURL.parse(request.getfixturevalue("osmem_search_url")))
    if name == "elasticsearch":
        from search.engines.distributed import EngineURL
        from search.engines.elasticsearch import ElasticsearchEngine

        url = request.getfixturevalue("osmem_search_url")
        return ElasticsearchEngine(EngineURL.parse(elasticsearch_url(url)))
    raise AssertionError(f"no contract fixture for engine {name!r}")


@pytest.fixture(autouse=True)
def no_synonyms(db) -> None:
    from search.models import SynonymGroup

    SynonymGroup.objects.all().delete()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, db) -> SearchEngine:
    """An engine holding exactly the contract documents."""
    engine = _make_engine(request.param, request)
    engine.rebuild(CONTRACT_DOCUMENTS)
    yield engine
    engine.clear()


@pytest.fixture(params=ENGINES)
def empty_engine(request: pytest.FixtureRequest, db) -> SearchEngine:
    """An engine holding nothing."""
    engine = _make_engine(request.param, request)
    engine.clear()
    yield engine
    engine.clear()
