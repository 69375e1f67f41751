"""The database engine's spelling vocabulary follows every write: a word leaves with the last
document that holds it and comes with the first (SQLite: the FTS5 table's own vocabulary;
PostgreSQL: a table kept by triggers, checked here against a recount)."""

import datetime

from django.db import connection

import pytest

from search.documents import SearchDocument
from search.models import IndexedDocument


def document(number: int, title: str) -> SearchDocument:
    return SearchDocument(
        id=f"case:{number}",
        kind="case",
        url=f"/en/cases/{number}/",
        title=title,
        language="en",
        date=datetime.date(2024, 1, 1),
    )


def recount_matches_the_vocabulary() -> bool:
    """PostgreSQL: the kept counts are what counting every document again gives."""
    if connection.vendor != "postgresql":
        return True
    recount = (
        "SELECT w.word, count(*)::integer FROM search_indexeddocument d, "
        "LATERAL (SELECT DISTINCT word FROM unnest(tsvector_to_array(to_tsvector("
        "'simple'::regconfig, concat_ws(' ', d.title, d.summary, d.body)))) AS word "
        "WHERE word ~ '^[[:alpha:]]+$' AND length(word) BETWEEN 3 AND 40) AS w GROUP BY w.word"
    )
    with connection.cursor() as cursor:
        cursor.execute(recount)
        expected = dict(cursor.fetchall())
        cursor.execute("SELECT term, documents FROM search_spelling_term")
        kept = dict(cursor.fetchall())
    return kept == expected


@pytest.fixture
def engine(database_engine):
    database_engine.index([document(1, "Kaleidoscope method"), document(2, "Kaleidoscope canvas")])
    return database_engine


def test_a_word_comes_with_its_first_document(engine):
    assert engine.spelling(["kaleidoskope"], language="en") == {"kaleidoskope": "kaleidoscope"}
    assert recount_matches_the_vocabulary()


def test_a_word_leaves_with_its_last_document(engine):
    engine.delete(["case:1"])
    assert engine.spelling(["kaleidoskope"], language="en") == {"kaleidoskope": "kaleidoscope"}

    engine.delete(["case:2"])
    assert engine.spelling(["kaleidoskope"], language="en") == {}
    assert recount_matches_the_vocabulary()


def test_a_document_indexed_again_brings_its_new_words_only(engine):
    engine.index([document(1, "Periscope method"), document(2, "Periscope canvas")])

    assert engine.spelling(["kaleidoskope"], language="en") == {}
    assert engine.spelling(["periskope"], language="en") == {"periskope": "periscope"}
    assert recount_matches_the_vocabulary()


def test_rows_changed_in_place_are_counted_again(engine):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's vocabulary is the FTS5 table's, which only the engine writes")
    IndexedDocument.objects.filter(doc_id="case:1").update(title="Stethoscope method")

    assert recount_matches_the_vocabulary()


def test_clearing_and_rebuilding_start_the_vocabulary_anew(engine):
    engine.rebuild([document(3, "Microscope lab")])

    assert engine.spelling(["kaleidoskope"], language="en") == {}
    assert engine.spelling(["mikroscope"], language="en") == {"mikroscope": "microscope"}
    assert recount_matches_the_vocabulary()
