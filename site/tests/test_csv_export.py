"""The shared CSV writer: a spreadsheet shows every cell as text and runs none as a formula."""

import csv
import io
from decimal import Decimal

import pytest

from portal.csv_export import CsvWriter, csv_cell

FORMULAS = [
    '=HYPERLINK("http://evil.example","Click")',
    "=1+2",
    "+1+2",
    "-1+2",
    "-2+3: 100.00",
    "@SUM(A1:A2)",
    "=cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
    "-",
    "--",
    "+358 40 123 4567",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (Decimal("-250.00"), "-250.00"),
        (-3, "-3"),
        ("-3.5", "-3.5"),
        ("2025-06-01", "2025-06-01"),
        ("Skate park", "Skate park"),
        ("a=b", "a=b"),
        (None, ""),
        (True, "True"),
        ("", ""),
    ],
)
def test_numbers_dates_and_plain_text_are_written_as_they_are(value, cell):
    assert csv_cell(value) == cell


def test_the_writer_quotes_and_neutralises_every_cell_of_a_row():
    out = io.StringIO()
    writer = CsvWriter(out, lineterminator="\n")

    writer.writerow(["id", "title", "amount"])
    writer.writerow([7, '=HYPERLINK("x";"y"),"z"', Decimal("-1.50")])

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["id", "title", "amount"], ["7", '\'=HYPERLINK("x";"y"),"z"', "-1.50"]]


@pytest.mark.django_db
def test_the_admin_csv_exports_write_formulas_as_text(admin_client, home_page):
    """Wagtail's own exports (a snippet listing, the site history report) go out neutralised:
    Wagtail turns formulas into text in its XLSX files only."""
    from wagtail.log_actions import log

    from portal.factories import ThemeFactory
    from portal.models import StandardPage

    ThemeFactory(key="formula", name='=HYPERLINK("http://evil.example","Click")')
    page = home_page.add_child(instance=StandardPage(title="=1+2", slug="formula"))
    log(page, "wagtail.create", user=None)

    themes = admin_client.get("/admin/snippets/portal/theme/?export=csv")
    history = admin_client.get("/admin/reports/site-history/?export=csv")

    themes_cells = [cell for row in csv.reader(io.StringIO(_body(themes))) for cell in row]
    history_cells = [cell for row in csv.reader(io.StringIO(_body(history))) for cell in row]
    assert '\'=HYPERLINK("http://evil.example","Click")' in themes_cells
    assert "'=1+2" in history_cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in themes_cells + history_cells)


def _body(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()
