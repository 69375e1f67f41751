"""The engines every contract test runs against.

Add an engine by adding its name to ENGINES and a branch to `_make_engine`: it must return an
engine that `rebuild` can fill with CONTRACT_DOCUMENTS. Engines that need a service
(Elasticsearch, OpenSearch) should `pytest.skip` when it is not reachable. Every engine gets a
test database: the database engine lives in it, and the others fall back to it.
"""

import pytest

from search.engines.base import SearchEngine
from tests.search_contract.documents import CONTRACT_DOCUMENTS

ENGINES = ["database"]


def _make_engine(name: str) -> SearchEngine:
    if name == "database":
        from search.engines.database import DatabaseEngine

        return DatabaseEngine()
    raise AssertionError(f"no contract fixture for engine {name!r}")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, db) -> SearchEngine:
    """An engine holding exactly the contract documents."""
    engine = _make_engine(request.param)
    engine.rebuild(CONTRACT_DOCUMENTS)
    yield engine
    engine.clear()


@pytest.fixture(params=ENGINES)
def empty_engine(request: pytest.FixtureRequest, db) -> SearchEngine:
    """An engine holding nothing."""
    engine = _make_engine(request.param)
    engine.clear()
    yield engine
    engine.clear()
