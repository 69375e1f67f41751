"""The library's way to its results: a skip link, filters and searches that land on the
results heading, one search box on a phone, and a year range that the exports follow."""

import re

import pytest

from cases.factories import CasePageFactory, CountryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(index, reindex):
    fi = CountryFactory(key="fi", name="Finland")
    for year in (2012, 2016, 2019, 2023):
        CasePageFactory(parent=index, title=f"Trial of {year}", countries=[fi], year_launched=year)
    reindex()
    return index


def test_library_lands_every_filter_on_the_results_heading(client, library):
    html = client.get(library.url).content.decode()

    assert '<a class="skip-link" href="#results">Skip to results</a>' in html
    assert '<h2 id="results" class="search-summary" tabindex="-1">4 case studies</h2>' in html
    assert f'action="{library.url}#results"' in html
    assert re.search(rf'href="{library.url}\?country=fi[^"#]*#results"', html)
    assert 'class="site-search site-search--wide-only"' in html  # one search box on a phone


def test_library_filters_by_a_year_range_and_exports_the_same_cases(client, library):
    response = client.get(library.url, {"year_from": "2015", "year_to": "2020"})

    assert sorted(card["document"].title for card in response.context["cards"]) == [
        "Trial of 2016",
        "Trial of 2019",
    ]
    html = response.content.decode()
    assert "export.csv?year_from=2015&amp;year_to=2020" in html
    exported = b"".join(client.get(library.url + "export.csv?year_from=2015&year_to=2020"))
    assert b"Trial of 2016" in exported and b"Trial of 2012" not in exported


def test_a_new_text_search_keeps_the_year_range(client, library):
    html = client.get(library.url, {"year_from": "2015"}).content.decode()

    form = html[html.index('<form class="search-form"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="year_from" value="2015">' in form
