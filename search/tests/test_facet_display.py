"""Long facets fold: the first values show, the rest wait behind "Show all N" (a <details>,
so it works without JavaScript) with a filter box that facets.js reveals."""

import re

from django.template.loader import render_to_string

import pytest

from search.query import FacetValue, SearchQuery, SearchResults
from search.views import FACET_VISIBLE_VALUES, search_page_links


def links_with_countries(count: int, *, selected: tuple[str, ...] = ()) -> dict:
    codes = [f"c{number:03d}" for number in range(count)]
    query = SearchQuery(selections={"country": selected} if selected else {})
    results = SearchResults(
        query=query,
        total=count,
        hits=[],
        facets={
            "country": [
                FacetValue(code, count - number, code in selected, label=f"Country {code}")
                for number, code in enumerate(codes)
            ]
        },
    )
    return search_page_links("/en/cases/", query, results)


def country(links: dict) -> dict:
    return next(facet for facet in links["facets"] if facet["name"] == "country")


def test_a_long_facet_shows_its_first_values_and_folds_the_rest():
    facet = country(links_with_countries(120))

    assert len(facet["top"]) == FACET_VISIBLE_VALUES
    assert len(facet["more"]) == 120 - FACET_VISIBLE_VALUES
    assert facet["top"][0]["value"] == "c000"  # the most frequent first


def test_a_facet_a_little_longer_than_the_fold_shows_whole():
    facet = country(links_with_countries(FACET_VISIBLE_VALUES + 2))

    assert facet["more"] == []
    assert len(facet["top"]) == FACET_VISIBLE_VALUES + 2


def test_a_selected_value_stays_visible_when_it_would_be_folded():
    facet = country(links_with_countries(120, selected=("c100",)))

    assert [v["value"] for v in facet["top"]][-1] == "c100"
    assert "c100" not in [v["value"] for v in facet["more"]]
    assert len(facet["top"]) + len(facet["more"]) == 120


@pytest.mark.django_db
def test_the_panel_renders_show_all_and_a_labelled_filter_box_and_lands_on_results():
    html = render_to_string("components/facets.html", links_with_countries(120))

    assert re.search(r"<details class=\"facet__more\" data-facet-more>\s*<summary>", html)
    assert "Show all 120" in html
    assert '<label for="facet-country-filter">Find a value' in html
    assert 'id="facet-country-filter"' in html
    # hidden until facets.js can make it work
    assert '<div class="facet__filter" data-facet-filter hidden>' in html
    assert 'href="/en/cases/?country=c000#results"' in html
    assert html.count("data-facet-value=") == 120
