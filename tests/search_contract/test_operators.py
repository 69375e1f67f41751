"""The query language people know from web search, with the same results on every engine:
"exact phrases", OR, -exclusions, and the synonyms the editors keep."""

import pytest

from search.models import SynonymGroup
from search.query import SearchQuery
from tests.search_contract.documents import PUBLIC_IDS


def ids(results) -> set[str]:
    return {hit.document.id for hit in results.hits}


def found(engine, text: str, **options):
    return engine.search(SearchQuery(text=text, **options))


def test_or_finds_documents_with_either_word(engine):
    assert ids(found(engine, "helsinki OR citizens")) == {"case:1", "case:3"}
    # OR binds its neighbours; the other words must still match
    assert ids(found(engine, "helsinki OR citizens online")) == {"case:3"}


def test_a_quoted_phrase_matches_its_words_next_to_each_other_in_order(engine):
    assert ids(found(engine, '"city trial"')) == {"case:1"}
    assert ids(found(engine, '"trial city"')) == set()
    # without quotes the same words in any order and place
    assert ids(found(engine, "trial city")) == {"case:1"}


def test_a_quoted_phrase_is_highlighted(engine):
    (hit,) = found(engine, '"city trial"').hits

    assert "<mark>city</mark> <mark>trial</mark>" in hit.highlights["summary"]


def test_a_minus_leaves_out_documents_holding_the_word_or_phrase(engine):
    assert ids(found(engine, "bicycle -lanes")) == {"case:3"}
    assert ids(found(engine, 'experiment -"national trial"')) == {"tool:1", "story:2"}
    # only exclusions: everything else
    assert ids(found(engine, "-bicycle")) == PUBLIC_IDS - {"case:1", "case:3"}


def test_an_excluded_word_does_not_leave_out_its_near_misses(engine):
    # "bike" is one letter from "bake": only documents holding "bike" go
    assert "pb_project:1" in ids(found(engine, "routes"))
    assert ids(found(engine, "routes -bake")) == {"pb_project:1"}
    assert ids(found(engine, "routes -bike")) == set()


@pytest.mark.parametrize(
    "text",
    ['"unbalanced phrase', "a OR", "OR", "- - -", " OR ".join(["lanes"] * 2000), '-"'],
)
def test_malformed_syntax_answers_without_error(engine, text):
    results = found(engine, text)

    assert results.total >= 0 and len(results.hits) <= results.total


def test_synonyms_kept_by_editors_find_each_other_in_every_language(engine):
    SynonymGroup.objects.create(terms="kokeilu\nexperiment\nförsök")
    SynonymGroup.objects.create(terms="pyörätie\nbicycle lanes")

    assert ids(found(engine, "kokeilut", language="fi")) == {"case:3", "tool:1", "story:2"}
    assert ids(found(engine, "pyörätiet", language="fi")) == {"case:1"}
    assert ids(found(engine, "experiment")) == {"case:3", "tool:1", "story:2"}


def test_any_word_finds_documents_holding_some_of_the_words_most_first(engine):
    text = "helsinki lanes experiment"
    assert found(engine, text).total == 0

    results = engine.search(SearchQuery(text=text, any_word=True))

    # case:1 holds two of the words, the experiments one each
    assert [hit.document.id for hit in results.hits][0] == "case:1"
    assert ids(results) == {"case:1", "case:3", "tool:1", "story:2"}
