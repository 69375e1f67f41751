"""Submitting the navigator, a search or a filter lands on the results (#results), which a
skip link also reaches; the listing filters by a year range."""

import re

import pytest

from toolkit.factories import ResourcePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resources(index, drain):
    ResourcePageFactory(
        parent=index,
        title="Paper prototyping",
        purposes=["prototyping"],
        skill_levels=["beginner"],
        time_needed="under-1-hour",
        cost="free",
        year=2015,
    )
    ResourcePageFactory(
        parent=index,
        title="Randomised trial",
        purposes=["testing"],
        skill_levels=["advanced"],
        time_needed="weeks",
        cost="paid",
        year=2021,
    )
    drain()
    return index


def test_navigator_form_submits_to_the_results_heading(client, resources):
    url = resources.url + "navigator/"

    assert f'action="{url}#results"' in client.get(url).content.decode()
    html = client.get(url, {"purpose": "prototyping", "cost": "free"}).content.decode()
    assert '<h2 id="results" tabindex="-1">Recommended for you</h2>' in html
    assert html.count('id="results"') == 1


def test_navigator_relax_links_land_on_the_results(client, resources):
    html = client.get(
        resources.url + "navigator/", {"purpose": "testing", "skill_level": "beginner"}
    ).content.decode()

    relax = re.search(r'<li><a href="([^"]+)">Drop “Beginner”', html)
    assert relax and relax.group(1).endswith("#results")


def test_refused_navigator_answers_land_on_the_error_summary(client, resources):
    html = client.get(resources.url + "navigator/", {"purpose": "world-peace"}).content.decode()

    assert '<div class="notice notice--error" role="alert" id="results" tabindex="-1">' in html
    assert html.count('id="results"') == 1


def test_recommendation_cards_put_the_title_before_the_reason(client, resources):
    html = client.get(resources.url + "navigator/", {"purpose": "prototyping"}).content.decode()

    card = html[html.index('<li class="card card--tool">') :]
    assert card.index("Paper prototyping") < card.index("Why:")


def test_listing_offers_a_skip_link_and_lands_filters_on_the_results(client, resources):
    html = client.get(resources.url).content.decode()

    assert '<a class="skip-link" href="#results">Skip to results</a>' in html
    assert '<h2 id="results" class="search-summary" tabindex="-1">2 resources</h2>' in html
    assert f'action="{resources.url}#results"' in html  # the listing's search box
    assert re.search(rf'href="{resources.url}\?cost=free[^"#]*#results"', html)  # a facet value
    # on a phone the listing's own search box is the only one
    assert 'class="site-search site-search--wide-only"' in html


def test_listing_filters_by_a_year_range(client, resources):
    response = client.get(resources.url, {"year_from": "2010", "year_to": "2016"})

    assert [card["document"].title for card in response.context["cards"]] == ["Paper prototyping"]
    html = response.content.decode()
    assert 'name="year_from" value="2010"' in html and 'name="year_to" value="2016"' in html
    assert "Year: 2010–2016" in html  # the range is a removable filter
