"""Comparing up to three cases side by side."""

import csv
import io

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
    only = {
        item["case"].title: {field["label"]: field["value"] for field in item["fields"]}
        for item in response.context["only_in_one"]
    }
    assert only["Oulu budget"]["Countries"] == "Finland"
    assert only["Reminder letters"]["Did the hypothesis hold?"] == "Not met"
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


def test_compare_shows_texts_as_paragraphs_not_run_together(client, index):
    one = CasePageFactory(
        parent=index,
        problem="<p>Turnout fell [5-6].</p><p>First, the city asked residents.</p>",
    )
    two = CasePageFactory(parent=index, problem="<ul><li>Low trust</li><li>Few votes</li></ul>")

    response = client.get(index.url + "compare/", {"case": [one.pk, two.pk]})

    html = response.content.decode()
    assert "[5-6].First" not in html
    assert "<p>Turnout fell [5-6].</p>" in html
    assert "<p>First, the city asked residents.</p>" in html
    assert "<p>Low trust</p>" in html and "<p>Few votes</p>" in html


def test_fields_only_one_case_has_leave_the_table(client, index):
    fi = CountryFactory(key="fi", name="Finland")
    one = CasePageFactory(parent=index, title="Oulu budget", countries=[fi], cost="")
    two = ExperimentCaseFactory(parent=index, title="Reminder letters", countries=[fi])

    response = client.get(index.url + "compare/", {"case": [one.pk, two.pk]})

    labels = [str(row["label"]) for row in response.context["rows"]]
    assert "Countries" in labels
    assert "Hypothesis" not in labels  # only the experiment has one
    html = response.content.decode()
    assert "Recorded for only one of these cases" in html
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert table.count("Not recorded") == 0


def test_a_case_can_be_removed_from_the_comparison(client, index):
    cases = [CasePageFactory(parent=index, title=f"Case {n}") for n in range(3)]

    response = client.get(index.url + "compare/", {"case": [c.pk for c in cases]})

    columns = response.context["columns"]
    assert columns[1]["remove_url"] == (
        f"{index.url}compare/?case={cases[0].pk}&case={cases[2].pk}"
    )
    html = response.content.decode()
    assert 'Remove<span class="visually-hidden"> “Case 1” from the comparison</span>' in html
    after = client.get(columns[1]["remove_url"])
    assert [c.title for c in after.context["cases"]] == ["Case 0", "Case 2"]


def test_removing_the_last_case_leads_back_to_the_library(client, index):
    case = CasePageFactory(parent=index)

    response = client.get(index.url + "compare/", {"case": [case.pk]})

    assert response.context["columns"][0]["remove_url"] == index.url


def test_the_comparison_downloads_as_csv_with_whole_texts(client, index):
    long_text = " ".join(f"word{n}" for n in range(200))
    one = CasePageFactory(parent=index, title="=Oulu budget", problem=f"<p>{long_text}</p>")
    two = CasePageFactory(parent=index, title="Tampere", problem="<p>A</p><p>B</p>")

    page = client.get(index.url + "compare/", {"case": [one.pk, two.pk]})
    response = client.get(page.context["download_url"])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Field", "'=Oulu budget", "Tampere"]
    assert rows[1][0] == "Address" and rows[1][1].endswith(one.url)
    problem = next(row for row in rows if row[0] == "The problem")
    assert problem[1] == long_text
    assert problem[2] == "A\n\nB"


def test_downloading_a_comparison_without_cases_is_refused_with_a_reason(client, index):
    response = client.get(index.url + "compare/download/")

    assert response.status_code == 400
    assert "Pick two or three cases" in response.content.decode()
