"""Open data: /cases/export.csv and /cases/export.json match the on-screen filter."""

import csv
import io
import json

import pytest

from cases.exports import COLUMNS
from cases.factories import CasePageFactory, CountryFactory, ThemeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cases.tests.urls")]


@pytest.fixture
def cases(index, reindex):
    fi = CountryFactory(key="fi", name="Finland")
    se = CountryFactory(key="se", name="Sweden")
    health = ThemeFactory(key="health", name="Health")
    for number in range(25):
        CasePageFactory(
            parent=index,
            title=f"Case {number:02d}",
            countries=[fi if number % 2 else se],
            themes=[health] if number % 3 else [],
            year_launched=2000 + number,
            source_id=f"participedia:{number}",
            organisations="City of Oulu\nUniversity of Oulu",
        )
    reindex()


def _listing_ids(client, url, params) -> list[int]:
    ids = []
    page = 1
    while True:
        response = client.get(url, {**params, "page": page})
        ids += [int(card["pk"]) for card in response.context["cards"]]
        if page >= response.context["pagination"]["page_count"]:
            return ids
        page += 1


def _stream(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize(
    "params",
    [{}, {"country": "fi", "theme": "health"}, {"sort": "year"}, {"q": "case", "country": "se"}],
)
def test_exports_hold_the_listed_cases_in_the_listed_order(client, index, cases, params):
    listed = _listing_ids(client, index.url, params)

    csv_response = client.get(index.url + "export.csv", params)
    json_response = client.get(index.url + "export.json", params)

    rows = list(csv.DictReader(io.StringIO(_stream(csv_response).lstrip("\ufeff"))))
    data = json.loads(_stream(json_response))
    assert [int(row["id"]) for row in rows] == listed
    assert [case["id"] for case in data["cases"]] == listed
    assert listed  # every parameter set matches something


def test_export_has_every_column_with_stable_ids_and_lists(client, index, cases):
    response = client.get(index.url + "export.csv", {"country": "fi", "sort": "year"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_stream(response).lstrip("\ufeff"))))
    assert list(rows[0]) == [column.name for column in COLUMNS]
    first = rows[0]
    assert first["title"] == "Case 23"
    assert first["source_id"] == "participedia:23"
    assert first["countries"] == "fi"
    assert first["organisations"] == "City of Oulu;University of Oulu"
    assert first["url"].startswith("http://testserver/en/cases/")


def test_export_is_not_capped_at_a_page(client, index, cases):
    data = json.loads(_stream(client.get(index.url + "export.json")))

    assert len(data["cases"]) == 25
    assert data["codebook"].endswith("/en/cases/codebook/")


def test_export_refuses_bad_parameters_with_a_message(client, index, cases):
    response = client.get(index.url + "export.csv", {"year": "not-a-year"})

    assert response.status_code == 400
    assert "year" in response.content.decode()


def test_codebook_explains_every_column_and_vocabulary(client, index, cases):
    response = client.get(index.url + "codebook/")

    html = response.content.decode()
    assert response.status_code == 200
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in html
    assert "<code>fi</code>" in html and "Finland" in html
    assert "hypothesis-not-met" in html and "Hypothesis did not hold" in html


def test_export_csv_writes_formula_text_as_text(client, index, reindex):
    CasePageFactory(
        parent=index,
        title='=HYPERLINK("http://evil.example","Click")',
        summary="@SUM(1+1)*cmd|' /C calc'!A0",
        organisations="-2+3\n+Oulu",
        source_id="participedia:formula",
    )
    reindex()

    response = client.get(index.url + "export.csv")

    row = next(csv.DictReader(io.StringIO(_stream(response).lstrip("\ufeff"))))
    assert row["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["summary"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["organisations"] == "'-2+3;+Oulu"
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
