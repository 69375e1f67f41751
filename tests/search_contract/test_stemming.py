"""Every engine finds a word by its stem in Finnish, Swedish and English, chosen by the
document's language and the query's (a query in an unknown language: all three), and leaves
the stop words of the query's language out of it."""

import datetime

import pytest

from search.documents import SearchDocument
from search.query import SearchQuery

FINNISH = SearchDocument(
    id="case:11",
    kind="case",
    url="/fi/tapaukset/perustulo/",
    title="Perustulon kokeilu Suomessa",
    summary="Kaksi vuotta kestänyt kokeilu työttömille.",
    body="Tulokset julkaistiin keväällä.",
    language="fi",
    date=datetime.date(2019, 2, 8),
)
ENGLISH = SearchDocument(
    id="story:11",
    kind="story",
    url="/en/stories/first-budget/",
    title="Our first participatory budget",
    summary="Residents chose twelve projects for their parks.",
    body="Votes were cast online and in libraries.",
    language="en",
    date=datetime.date(2024, 6, 1),
)
SWEDISH = SearchDocument(
    id="case:12",
    kind="case",
    url="/sv/fall/lanecyklar/",
    title="Lånecyklar i Umeå",
    summary="Ett försök med lånecyklar för pendlare.",
    body="Kommunen mätte hur många som cyklade.",
    language="sv",
    date=datetime.date(2022, 9, 1),
)
UNKNOWN = SearchDocument(
    id="tool:11",
    kind="tool",
    url="/en/toolkit/canvas/",
    title="Canvas for budgets",
    body="Budgets, written as they are.",
    language="",
)
DOCUMENTS = (FINNISH, ENGLISH, SWEDISH, UNKNOWN)


@pytest.fixture
def stemmed(empty_engine):
    empty_engine.index(DOCUMENTS)
    return empty_engine


def ids(results) -> list[str]:
    return [hit.document.id for hit in results.hits]


@pytest.mark.parametrize("language", ["fi", ""])
def test_an_inflected_finnish_word_finds_its_base_form(stemmed, language):
    results = stemmed.search(SearchQuery(text="kokeilut", language=language))

    assert ids(results) == ["case:11"]
    assert "<mark>" in results.hits[0].highlights["title"]


@pytest.mark.parametrize("language", ["en", ""])
def test_an_english_word_finds_other_forms_of_it(stemmed, language):
    results = stemmed.search(SearchQuery(text="participatory budgeting", language=language))

    assert ids(results) == ["story:11"]
    assert results.hits[0].highlights["title"] == (
        "Our first <mark>participatory</mark> <mark>budget</mark>"
    )


@pytest.mark.parametrize("language", ["sv", ""])
def test_an_inflected_swedish_word_finds_its_base_form(stemmed, language):
    results = stemmed.search(SearchQuery(text="försöken", language=language))

    assert ids(results) == ["case:12"]
    assert "<mark>försök</mark>" in results.hits[0].highlights["summary"]


def test_a_document_of_unknown_language_matches_words_as_written(stemmed):
    assert ids(stemmed.search(SearchQuery(text="budgets canvas", language="en"))) == ["tool:11"]


def test_stop_words_of_the_query_language_are_left_out(stemmed):
    results = stemmed.search(SearchQuery(text="the projects of the parks", language="en"))

    assert ids(results) == ["story:11"]


@pytest.mark.parametrize("language", ["en", "fi", ""])
def test_a_query_of_stop_words_only_answers(stemmed, language):
    results = stemmed.search(SearchQuery(text="the of and", language=language))

    assert results.total == len(results.hits)
    assert set(ids(results)) <= {doc.id for doc in DOCUMENTS}


def test_exact_words_and_prefixes_still_match(stemmed):
    assert ids(stemmed.search(SearchQuery(text="perustulon", language="fi"))) == ["case:11"]
    assert ids(stemmed.search(SearchQuery(text="lånecyk", language="sv"))) == ["case:12"]
    assert ids(stemmed.search(SearchQuery(text="particip", language="en"))) == ["story:11"]
    assert stemmed.search(SearchQuery(text="budgetingx", language="en")).total == 0
