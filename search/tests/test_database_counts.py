"""The database engine's facet counts: one query for every facet, the same numbers as counting
by hand, and cached counts that never outlive a change to the index."""

import datetime
import itertools
from dataclasses import replace

import pytest

from search.documents import SearchDocument
from search.engines import facet_counts
from search.engines.database import DatabaseEngine
from search.engines.time_limit import time_limit_statements
from search.facets import FACETS
from search.query import SearchQuery
from tests.search_contract.documents import CONTRACT_DOCUMENTS

pytestmark = pytest.mark.django_db

PUBLIC = [doc for doc in CONTRACT_DOCUMENTS if doc.visibility == "public"]
# Facets the contract documents fill, with every value they hold.
VALUES = {
    facet.name: sorted({value for doc in PUBLIC for value in doc.facet_values(facet.field)})
    for facet in FACETS
}
VALUES = {name: values for name, values in VALUES.items() if values}


@pytest.fixture
def engine(monkeypatch):
    # Cache the counts of this small index too, as those of a large one are.
    monkeypatch.setattr(facet_counts, "COUNTS_CACHE_MIN_DOCUMENTS", 0)
    engine = DatabaseEngine()
    engine.rebuild(CONTRACT_DOCUMENTS)
    return engine


def counted_by_hand(
    selections: dict[str, tuple[str, ...]], documents: list[SearchDocument]
) -> dict[str, dict[str, int]]:
    """Disjunctive counts over `documents`, the slow and obvious way."""

    def holds(doc: SearchDocument, name: str) -> bool:
        field = next(facet.field for facet in FACETS if facet.name == name)
        return bool(set(doc.facet_values(field)) & set(selections[name]))

    counts: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        others = [name for name in selections if name != facet.name]
        for doc in documents:
            if all(holds(doc, name) for name in others):
                for value in doc.facet_values(facet.field):
                    counts.setdefault(facet.name, {}).setdefault(value, 0)
                    counts[facet.name][value] += 1
    return counts


def engine_counts(results) -> dict[str, dict[str, int]]:
    return {
        name: {v.value: v.count for v in values if v.count}
        for name, values in results.facets.items()
        if any(v.count for v in values)
    }


def selection_cases():
    """One, two and three selected facets (one or two values each), from the fixtures."""
    names = sorted(VALUES)
    for size in (1, 2, 3):
        for chosen in itertools.islice(itertools.combinations(names, size), 12):
            yield {name: tuple(VALUES[name][:1]) for name in chosen}
            yield {name: tuple(VALUES[name][-2:]) for name in chosen}


@pytest.mark.parametrize("text", ["", "experiment"])
def test_counts_match_counting_by_hand(engine, text):
    # Only the documents whose text matches count.
    matching = {hit.document.id for hit in engine.search(SearchQuery(text=text)).hits}
    documents = [doc for doc in PUBLIC if doc.id in matching]
    assert len(documents) == (3 if text else len(PUBLIC))
    for selections in selection_cases():
        results = engine.search(SearchQuery(text=text, selections=selections))
        assert engine_counts(results) == counted_by_hand(selections, documents), selections


def test_every_facet_is_counted_in_one_query(engine, django_assert_max_num_queries):
    three = {"country": ("fi",), "theme": ("transport", "digital"), "stage": ("testing",)}
    # count, page, documents, facets, and the cache's index token; no query per facet
    with django_assert_max_num_queries(5):
        engine.search(SearchQuery(selections=three))
    # text adds the highlights (and the time limit's statements)
    with django_assert_max_num_queries(6 + time_limit_statements()):
        engine.search(SearchQuery(text="lanes", selections=three))


def test_cached_counts_follow_a_new_document(engine, django_assert_max_num_queries):
    query = SearchQuery(selections={"country": ("fi",)})
    before = engine.search(query)
    with django_assert_max_num_queries(3):  # token, page, documents: counts come from the cache
        again = engine.search(query)
    assert engine_counts(again) == engine_counts(before)

    engine.index(
        [
            SearchDocument(
                id="case:99",
                kind="case",
                url="/en/cases/99/",
                title="Sauna vouchers",
                date=datetime.date(2024, 1, 1),
                countries=("fi",),
                themes=("wellbeing",),
            )
        ]
    )
    after = engine.search(query)
    assert after.total == before.total + 1
    assert engine_counts(after)["theme"]["wellbeing"] == 1
    assert engine_counts(after)["kind"]["case"] == engine_counts(before)["kind"]["case"] + 1


def test_cached_counts_follow_an_edit_and_a_removal(engine):
    query = SearchQuery()
    before = engine_counts(engine.search(query))
    bicycle = next(doc for doc in CONTRACT_DOCUMENTS if doc.id == "case:1")
    engine.index([replace(bicycle, countries=("se",))])
    edited = engine_counts(engine.search(query))
    assert edited["country"].get("se", 0) == before["country"].get("se", 0) + 1
    assert edited["country"]["fi"] == before["country"]["fi"] - 1

    engine.delete(["case:1"])
    removed = engine.search(query)
    assert engine_counts(removed)["country"].get("se", 0) == before["country"].get("se", 0)
    assert removed.total == len(PUBLIC) - 1


def test_counts_of_a_small_index_are_not_cached(engine, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(facet_counts, "COUNTS_CACHE_MIN_DOCUMENTS", len(CONTRACT_DOCUMENTS) + 1)
    query = SearchQuery(selections={"country": ("fi",)})
    engine.search(query)
    with django_assert_num_queries(5):  # token, count, page, documents, facets
        engine.search(query)


def test_a_search_without_facets_keeps_the_cached_counts(engine, django_assert_num_queries):
    query = SearchQuery(selections={"country": ("fi",)})
    counted = engine.search(query)
    engine.search(replace(query, with_facets=False, page=2))
    with django_assert_num_queries(3):  # token, page, documents
        again = engine.search(query)
    assert engine_counts(again) == engine_counts(counted)
