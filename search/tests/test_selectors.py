"""`search_run`: the configured engine, the database fallback, and facet labels."""

from django.core.exceptions import ImproperlyConfigured

import pytest

from search import selectors
from search.engines import get_engine
from search.engines.base import SearchEngineError
from search.query import SearchQuery
from search.registry import _labels, register_labels
from search.tests.test_outbox import BrokenEngine


@pytest.fixture
def country_names():
    calls = []

    def names(keys):
        calls.append(list(keys))
        return {"fi": "Finland"}

    previous = _labels.get("countries")
    register_labels("countries", names)
    yield calls
    if previous is None:
        _labels.pop("countries", None)
    else:
        register_labels("countries", previous)


def test_search_run_labels_facet_values_with_one_lookup_per_facet(indexed, country_names):
    results = selectors.search_run(SearchQuery())

    labels = {v.value: v.label for v in results.facets["country"]}
    assert labels["fi"] == "Finland"
    assert labels["se"] == "se"  # no name: the key itself
    assert len(country_names) == 1
    assert {v.label for v in results.facets["year"]} == {v.value for v in results.facets["year"]}


def test_search_run_falls_back_to_the_database_when_the_engine_fails(indexed, monkeypatch):
    monkeypatch.setattr(selectors, "get_engine", BrokenEngine)

    results = selectors.search_run(SearchQuery(text="bicycle"))

    assert results.degraded is True
    assert results.engine == "database"
    assert results.total == 2


def test_search_run_raises_when_the_database_engine_itself_fails(indexed, monkeypatch):
    database = selectors.get_database_engine()

    def broken_search(query):
        raise SearchEngineError("disk full")

    monkeypatch.setattr(database, "search", broken_search)

    with pytest.raises(SearchEngineError):
        selectors.search_run(SearchQuery())


def test_search_run_is_not_degraded_normally(indexed):
    assert selectors.search_run(SearchQuery()).degraded is False


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("elasticsearch://localhost:9200/kokeilu", "elasticsearch"),
        ("opensearch://os/k", "opensearch"),
    ],
)
def test_distributed_engines_are_chosen_by_the_url(settings, url, name):
    settings.SEARCH_URL = url

    assert get_engine().name == name


def test_an_unknown_engine_url_is_refused(settings):
    settings.SEARCH_URL = "solr://localhost"

    with pytest.raises(ImproperlyConfigured, match="names no search engine"):
        get_engine()


def test_the_default_engine_is_the_database(settings):
    settings.SEARCH_URL = "database"

    assert get_engine().name == "database"
