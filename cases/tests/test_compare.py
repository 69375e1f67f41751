"""Comparing up to three cases side by side."""

import pytest

from cases.factories import CasePageFactory, CountryFactory, ExperimentCaseFactory

pytestmark = pytest.mark.django_db


def test_compare_shows_cases_field_by_field(client, index):
    fi = CountryFactory(key="fi", name="Finland")
    one = CasePageFactory(parent=index, title="Oulu budget", countries=[fi], year_launched=2018)
    two = ExperimentCaseFactory(
        parent=index, title="Reminder letters", year_launched=2022, hypothesis_outcome="not-met"
    )

    response = client.get(index.url + "compare/", {"case": [one.pk, two.pk]})

    assert response.status_code == 200
    html = response.content.decode()
    assert [case.title for case in response.context["cases"]] == ["Oulu budget", "Reminder letters"]
    rows = {row["label"]: row["cells"] for row in response.context["rows"]}
    assert rows["Year launched"] == ["2018", "2022"]
    assert rows["Countries"] == ["Finland", ""]
    assert rows["Did the hypothesis hold?"] == ["", "Not met"]
    assert '<th scope="col"><a href="' in html
    assert '<th scope="row">Year launched</th>' in html


def test_more_than_three_cases_get_a_message_and_the_first_three(client, index):
    cases = [CasePageFactory(parent=index) for _ in range(4)]

    response = client.get(index.url + "compare/", {"case": [c.pk for c in cases]})

    assert response.status_code == 200
    assert [c.pk for c in response.context["cases"]] == [c.pk for c in cases[:3]]
    assert "At most 3 cases can be compared" in response.content.decode()


def test_unknown_draft_or_malformed_ids_are_named(client, index):
    case = CasePageFactory(parent=index)
    draft = CasePageFactory(parent=index, live=False)

    response = client.get(index.url + "compare/", {"case": [case.pk, draft.pk, 999999, "x1"]})

    html = response.content.decode()
    assert [c.pk for c in response.context["cases"]] == [case.pk]
    assert f"No published case has the id {draft.pk}" in html
    assert "No published case has the id 999999" in html
    assert "“x1” is not a case id" in html


def test_compare_without_cases_says_how_to_pick_them(client, index):
    response = client.get(index.url + "compare/")

    assert response.status_code == 400
    assert "Pick two or three cases" in response.content.decode()


@pytest.mark.parametrize("raw", ["99999999999999999999", str(2**63), "-12345", "1_0", "٣", "0"])
def test_oversize_and_odd_ids_are_named_not_a_server_error(client, index, raw):
    case = CasePageFactory(parent=index)

    response = client.get(index.url + "compare/", {"case": [case.pk, raw]})

    assert response.status_code == 200
    assert [c.pk for c in response.context["cases"]] == [case.pk]
    assert f"“{raw}” is not a case id" in response.content.decode()
