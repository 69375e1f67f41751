"""The library at /cases/: facets through the knowledge index, sort, country overview."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from cases.factories import (
    CasePageFactory,
    CountryFactory,
    ExperimentCaseFactory,
    GovernmentLevelFactory,
    SuccessCriterionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def _facet(response, name: str) -> dict[str, int]:
    facet = next(f for f in response.context["facets"] if f["name"] == name)
    return {v["value"]: v["count"] for v in facet["values"]}


def _titles(response) -> list[str]:
    return [card["document"].title for card in response.context["cards"]]


@pytest.fixture
def corpus(index, reindex):
    fi = CountryFactory(key="fi", name="Finland")
    ee = CountryFactory(key="ee", name="Estonia")
    health = ThemeFactory(key="health", name="Health")
    education = ThemeFactory(key="education", name="Education")
    local = GovernmentLevelFactory(key="local-government", name="Local government")
    CasePageFactory(
        parent=index,
        title="Helsinki clinics",
        countries=[fi],
        themes=[health],
        government_levels=[local],
        status="completed",
        year_launched=2019,
    )
    CasePageFactory(
        parent=index,
        title="Tartu schools",
        countries=[ee],
        themes=[education],
        government_levels=[local],
        status="ongoing",
        year_launched=2022,
    )
    CasePageFactory(
        parent=index,
        title="Tallinn health app",
        countries=[ee],
        themes=[health],
        status="completed",
        year_launched=2021,
    )
    CasePageFactory(
        parent=index,
        title="Oulu school meals",
        countries=[fi],
        themes=[education],
        status="discontinued",
        year_launched=2016,
    )
    reindex()


def test_facet_counts_are_right_with_several_selections(client, index, corpus):
    response = client.get(
        index.url, {"country": ["fi", "ee"], "theme": "health", "status": "completed"}
    )

    assert response.status_code == 200
    assert sorted(_titles(response)) == ["Helsinki clinics", "Tallinn health app"]
    # each facet counts with the other facets' selections, not its own
    assert _facet(response, "country") == {"fi": 1, "ee": 1}
    assert _facet(response, "theme") == {"health": 2}  # education cases are not completed
    assert _facet(response, "status") == {"completed": 2}
    html = response.content.decode()
    assert "Status: Completed" in html  # the active filter chip is labelled


def test_status_facet_is_labelled_and_toggles(client, index, corpus):
    response = client.get(index.url)

    status = next(f for f in response.context["facets"] if f["name"] == "status")
    labels = {v["value"]: v["label"] for v in status["values"]}
    assert labels == {
        "completed": "Completed",
        "ongoing": "Ongoing",
        "discontinued": "Discontinued",
    }


def test_sort_by_year_launched(client, index, corpus):
    response = client.get(index.url, {"sort": "year"})

    assert _titles(response) == [
        "Tartu schools",
        "Tallinn health app",
        "Helsinki clinics",
        "Oulu school meals",
    ]
    assert "Year launched, latest first" in response.content.decode()


def test_text_search_within_the_library(client, index, corpus):
    response = client.get(index.url, {"q": "schools"})

    # the word as written ranks first; "school" is found by its stem
    assert _titles(response) == ["Tartu schools", "Oulu school meals"]


def test_unknown_sort_or_foreign_facet_gets_a_message_not_an_error(client, index, corpus):
    bad_sort = client.get(index.url, {"sort": "title"})
    foreign = client.get(index.url, {"format": "guide"})

    assert bad_sort.status_code == 400
    assert "sort" in bad_sort.content.decode()
    assert foreign.status_code == 400
    assert "format" in foreign.content.decode()


def test_country_overview_links_each_country_to_the_filtered_library(client, index, corpus):
    response = client.get(index.url)

    html = response.content.decode()
    overview = response.context["country_overview"]
    assert {bar.full_label: bar.value for bar in overview["chart"].bars} == {
        "Finland": 2,
        "Estonia": 2,
    }
    assert "<svg" in html and '<title id="country-chart-title">' in html
    assert '<a href="/en/cases/?country=fi#results" rel="nofollow" class="bar-chart__row' in html
    assert '<th scope="row"><a href="/en/cases/?country=fi#results"' in html


def test_experiments_whose_hypothesis_did_not_hold_are_one_selection(client, index, reindex):
    failed = ExperimentCaseFactory(
        parent=index, title="Reminder letters", hypothesis_outcome="not-met"
    )
    SuccessCriterionFactory(page=failed, outcome="not-met")
    held = ExperimentCaseFactory(
        parent=index, title="Plain-language forms", hypothesis_outcome="met"
    )
    SuccessCriterionFactory(page=held, outcome="met")
    SuccessCriterionFactory(page=held, outcome="not-met")  # one criterion missed
    CasePageFactory(parent=index, title="Not an experiment")
    reindex()

    response = client.get(index.url, {"experiment_outcome": "hypothesis-not-met"})

    assert _titles(response) == ["Reminder letters"]
    counts = _facet(response, "experiment_outcome")
    assert counts["hypothesis-not-met"] == 1
    assert counts["hypothesis-met"] == 1
    assert counts["criterion-not-met"] == 2
    assert "Hypothesis did not hold" in response.content.decode()


def _queries(client, url, params=None) -> int:
    client.get(url, params)  # warm caches (site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_library_query_count_does_not_grow_with_results(
    client, index, reindex, django_assert_max_num_queries
):
    countries = [CountryFactory(key=key, name=key.upper()) for key in ("fi", "ee", "pt")]
    themes = [ThemeFactory(key="health", name="Health")]
    CasePageFactory(parent=index, countries=countries, themes=themes, status="ongoing")
    reindex()
    few = _queries(client, index.url)
    few_filtered = _queries(client, index.url, {"country": "fi", "theme": "health"})

    for _ in range(25):
        CasePageFactory(parent=index, countries=countries, themes=themes, status="ongoing")
    reindex()
    many = _queries(client, index.url)
    many_filtered = _queries(client, index.url, {"country": "fi", "theme": "health"})

    assert many == few
    assert many_filtered == few_filtered
    with django_assert_max_num_queries(30):
        client.get(index.url)


def test_library_paginates_twenty_per_page(client, index, reindex):
    for _ in range(21):
        CasePageFactory(parent=index)
    reindex()

    first = client.get(index.url)
    second = client.get(index.url, {"page": 2})

    assert len(first.context["cards"]) == 20
    assert len(second.context["cards"]) == 1
    assert 'aria-label="Pagination"' in first.content.decode()
