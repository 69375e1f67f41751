"""Zero-downtime rebuilds of the distributed engines: a new index, then an alias swap."""

from dataclasses import replace

import pytest

from search.engines.base import SearchEngineError
from search.engines.distributed import DistributedEngine, EngineURL
from search.engines.elasticsearch import ElasticsearchEngine
from search.engines.opensearch import OpenSearchEngine
from search.query import SearchQuery
from tests.search_contract.documents import CONTRACT_DOCUMENTS
from tests.search_contract.osmem import elasticsearch_url


@pytest.fixture(params=["opensearch", "elasticsearch"])
def cluster(request, osmem_search_url, db) -> DistributedEngine:
    if request.param == "elasticsearch":
        engine = ElasticsearchEngine(EngineURL.parse(elasticsearch_url(osmem_search_url)))
    else:
        engine = OpenSearchEngine(EngineURL.parse(osmem_search_url))
    engine.rebuild(CONTRACT_DOCUMENTS)
    return engine


def indices(engine) -> list[str]:
    return sorted(engine.client.indices.get_alias(index=f"{engine.alias}-*"))


def renamed(count: int):
    base = CONTRACT_DOCUMENTS[0]
    return [
        replace(base, id=f"case:{100 + n}", title=f"Cargo bike trial {n}", related=())
        for n in range(count)
    ]


def test_searches_during_a_rebuild_answer_from_the_old_index(cluster):
    during = []

    def documents():
        for number, doc in enumerate(renamed(1200)):
            if number in (600, 1100):  # after the first bulk requests reached the new index
                during.append(cluster.search(SearchQuery(text="bicycle")))
                during.append(cluster.search(SearchQuery(text="cargo")))
            yield doc

    old = indices(cluster)
    written = cluster.rebuild(documents())

    assert written == 1200
    assert [results.total for results in during] == [2, 0, 2, 0]
    assert cluster.search(SearchQuery(text="bicycle")).total == 0
    assert cluster.search(SearchQuery(text="cargo")).total == 1200
    assert cluster.count() == 1200
    # One index behind the alias, a new one; the old one is gone.
    assert len(indices(cluster)) == 1
    assert indices(cluster) != old


def test_a_failed_rebuild_leaves_the_old_index_answering(cluster):
    def documents():
        yield from renamed(700)
        raise SearchEngineError("the database went away")

    old = indices(cluster)
    with pytest.raises(SearchEngineError):
        cluster.rebuild(documents())

    assert cluster.search(SearchQuery(text="bicycle")).total == 2
    assert indices(cluster) == old  # the half-built index was dropped


def test_a_lost_index_is_created_again_by_ensure_index(cluster):
    cluster.client.indices.delete(index=",".join(indices(cluster)))

    assert cluster.ensure_index() is True
    assert cluster.ensure_index() is False
    assert cluster.count() == 0
