"""What keeps broad searches of a large database index fast: ranked text searches count their
matches while ranking (no separate count), and a committed rebuild leaves the PostgreSQL tables
vacuumed, so that their covering indexes are read without visiting every row."""

from django.db import connection

import pytest

from search.engines.database import DatabaseEngine
from search.engines.time_limit import time_limit_statements
from search.models import IndexedDocument, IndexedFacetValue
from search.query import SearchQuery
from tests.search_contract.documents import CONTRACT_DOCUMENTS


@pytest.fixture
def engine(db):
    engine = DatabaseEngine()
    engine.rebuild(CONTRACT_DOCUMENTS)
    return engine


def test_ranked_text_search_counts_its_matches_while_ranking(engine, django_assert_num_queries):
    query = SearchQuery(text="experiment", with_facets=False, with_highlights=False)
    # the ranked page with its total, then the documents (and the time limit's statements)
    with django_assert_num_queries(2 + time_limit_statements()):
        results = engine.search(query)
    assert results.total == 3
    assert len(results.hits) == 3


def test_every_page_of_a_text_search_has_the_same_total(engine):
    pages = [
        engine.search(SearchQuery(text="experiment", page_size=2, page=page))
        for page in (1, 2, 3, 50)
    ]
    assert [results.total for results in pages] == [3, 3, 3, 3]
    assert [len(results.hits) for results in pages] == [2, 1, 0, 0]
    assert pages[3].facets["kind"] == pages[0].facets["kind"]


def test_a_text_search_without_matches_has_no_total(engine):
    results = engine.search(SearchQuery(text="zeppelin"))
    assert results.total == 0
    assert results.hits == []


def _all_visible_pages(model) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = %s",
            [model._meta.db_table],
        )
        return cursor.fetchone()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_committed_rebuild_leaves_the_postgresql_tables_vacuumed():
    DatabaseEngine().rebuild(CONTRACT_DOCUMENTS)
    for model in (IndexedDocument, IndexedFacetValue):
        pages, visible = _all_visible_pages(model)
        # Every page is marked all-visible: only VACUUM sets those marks.
        assert pages > 0
        assert visible == pages, model


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TOAST is PostgreSQL's")
def test_postgresql_keeps_each_search_vector_in_its_row(db):
    # Out of line, every broad search fetched each match's vector from the TOAST table.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attname = 'search_vector'",
            [IndexedDocument._meta.db_table],
        )
        assert cursor.fetchone() == ("m",)
