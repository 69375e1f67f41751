"""A year range (?year_from=&year_to=) filters the search page, the API and the listings, and
every link of the page keeps it until the visitor removes it."""

from urllib.parse import parse_qs, urlsplit

from django.http import QueryDict

import pytest

from search.forms import InvalidSearch, listing_query_from_params, query_from_params

pytestmark = pytest.mark.usefixtures("indexed", "stand_in_templates")


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def hit_ids(response) -> set[str]:
    return {hit["document"].id for hit in response.context["hits"]}


def test_year_range_filters_the_search_page(client):
    response = client.get("/en/search/", {"year_from": "2019", "year_to": "2021"})

    assert response.status_code == 200
    assert hit_ids(response) == {"case:1", "case:2", "tool:1", "story:2"}


def test_api_answers_an_open_ended_year_range(client):
    data = client.get("/en/api/search/", {"year_from": "2023"}).json()

    assert {hit["id"] for hit in data["hits"]} == {"story:1", "workshop:1"}


def test_every_link_of_the_page_keeps_the_year_range(client):
    response = client.get("/en/search/?q=experiment&year_from=2019&year_to=2022&sort=title")

    kept = {"year_from": ["2019"], "year_to": ["2022"]}
    value = response.context["facets"][0]["values"][0]
    assert params(value["toggle_url"]).items() >= kept.items()
    sort = next(o for o in response.context["sort_options"] if o["value"] == "oldest")
    assert params(sort["url"]).items() >= kept.items()


def test_year_range_is_an_active_filter_that_can_be_removed(client):
    response = client.get("/en/search/?q=lanes&country=fi&year_from=2019&year_to=2021")

    year = next(f for f in response.context["active_filters"] if f["facet_label"] == "Year")
    assert year["label"] == "2019–2021"
    assert params(year["remove_url"]) == {"q": ["lanes"], "country": ["fi"]}
    assert params(response.context["clear_url"]) == {"q": ["lanes"]}


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("year_from=2020", "2020 or later"),
        ("year_to=2020", "2020 or earlier"),
        ("year_from=2020&year_to=2020", "2020"),
    ],
)
def test_open_ended_ranges_are_labelled_in_words(client, query, label):
    response = client.get(f"/en/search/?{query}")

    assert [f["label"] for f in response.context["active_filters"]] == [label]


def test_year_range_form_carries_the_rest_of_the_search(client):
    response = client.get("/en/search/?q=experiment&country=ee&year_from=2019&page=1&sort=title")

    year = next(f for f in response.context["facets"] if f["name"] == "year")
    assert year["range"]["year_from"] == 2019
    assert year["range"]["year_to"] is None
    assert year["range"]["action"] == "/en/search/"
    # hidden fields: everything but the range itself (a new range starts on page 1)
    assert year["range"]["params"] == [("q", "experiment"), ("country", "ee"), ("sort", "title")]


def test_year_facet_stays_editable_when_the_range_matches_nothing(client):
    response = client.get("/en/search/?year_from=1990&year_to=1995")

    assert response.context["results"].total == 0
    year = next(f for f in response.context["facets"] if f["name"] == "year")
    assert year["values"] == [] and year["range"]["year_from"] == 1990


def test_a_range_that_ends_before_it_starts_is_refused_with_a_message(client):
    response = client.get("/en/search/?year_from=2022&year_to=2019")

    assert response.status_code == 400
    assert "The “from” year (2022) is after the “to” year (2019)." in response.context["error"]


@pytest.mark.parametrize("year", ["20220", "12", "twenty"])
def test_impossible_years_are_refused(year):
    with pytest.raises(InvalidSearch, match="year_from"):
        query_from_params(QueryDict(f"year_from={year}"))


def test_a_listing_without_a_year_facet_refuses_a_year_range():
    with pytest.raises(InvalidSearch, match="These filters do not apply to stories: year"):
        listing_query_from_params(
            QueryDict("year_from=2020"),
            kind_label_plural="stories",
            facets=("country", "theme"),
            sorts=("relevance",),
        )
