"""A page and its translations are one result, in the reader's language, on every engine.

Each version is indexed as its own document; `hidden_for` names the reader languages for which
another version stands for it (see `search.documents.translations_hidden_for`).
"""

import datetime

from django.utils import translation

import pytest

from search.documents import SearchDocument
from search.query import SearchQuery

STORY_EN = SearchDocument(
    id="story:1",
    kind="story",
    url="/en/stories/bus-lanes/",
    title="Bus lanes on trial",
    body="We tried bus lanes for a month in the town centre.",
    language="en",
    hidden_for=("fi",),  # the Finnish translation stands for it in Finnish
    themes=("mobility",),
    date=datetime.date(2025, 5, 1),
)
STORY_FI = SearchDocument(
    id="story:2",
    kind="story",
    url="/fi/tarinat/bussikaistat/",
    title="Bussikaistat kokeiluna",
    body="Kokeilimme bussikaistoja kuukauden keskustassa. Bus lanes.",
    language="fi",
    hidden_for=("sv", "en"),  # Swedish readers get the English original
    themes=("mobility",),
    date=datetime.date(2025, 5, 1),
)
CASE = SearchDocument(
    id="case:3",
    kind="case",
    url="/en/cases/bus-pilot/",
    title="Bus pilot in Tartu",
    body="Bus lanes and a trial of free buses.",
    language="en",
    themes=("mobility",),
    date=datetime.date(2024, 1, 1),
)


@pytest.fixture
def versions(empty_engine):
    empty_engine.index([STORY_EN, STORY_FI, CASE])
    return empty_engine


@pytest.mark.parametrize(
    ("language", "story"),
    [("fi", "story:2"), ("sv", "story:1"), ("en", "story:1")],
)
def test_a_translated_page_is_found_once_in_the_readers_language(versions, language, story):
    results = versions.search(SearchQuery(text="bus", language=language))

    assert sorted(hit.document.id for hit in results.hits) == sorted([story, "case:3"])
    assert results.total == 2
    # facets count the page once
    themes = {value.value: value.count for value in results.facets["theme"]}
    assert themes["mobility"] == 2
    kinds = {value.value: value.count for value in results.facets["kind"]}
    assert kinds == {"story": 1, "case": 1}


def test_without_a_reader_language_every_version_is_found(versions):
    results = versions.search(SearchQuery(text="bus"))

    assert {hit.document.id for hit in results.hits} == {"story:1", "story:2", "case:3"}


@pytest.mark.parametrize(("language", "story"), [("fi", "story:2"), ("en", "story:1")])
def test_suggestions_and_related_show_the_readers_version(versions, language, story):
    with translation.override(language):
        suggested = [doc.id for doc in versions.suggest("bus", limit=8)]
        related = [doc.id for doc in versions.related("case:3", limit=6)]

    assert story in suggested
    assert {"story:1", "story:2"} - {story} & set(suggested) == set()
    assert related == [story]
