"""The shared CSV writer: a spreadsheet shows every cell as text and runs none as a formula."""

import csv
import io
from decimal import Decimal

from django.http import StreamingHttpResponse

import pytest

from portal.csv_export import BYTE_ORDER_MARK, csv_cell, csv_response, csv_text

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


def test_a_csv_file_quotes_and_neutralises_every_cell_of_a_row():
    text = csv_text(
        header=["id", "title", "amount"],
        rows=[[7, '=HYPERLINK("x";"y"),"z"', Decimal("-1.50")]],
    )

    rows = list(csv.reader(io.StringIO(text.removeprefix(BYTE_ORDER_MARK))))
    assert rows == [["id", "title", "amount"], ["7", '\'=HYPERLINK("x";"y"),"z"', "-1.50"]]


def test_a_csv_download_opened_as_bytes_starts_with_the_utf8_byte_order_mark():
    response = csv_response(filename="places.csv", header=["place"], rows=[["Hämeenlinna"]])

    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\xef\xbb\xbf") == 1
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig")))) == [
        ["place"],
        ["Hämeenlinna"],
    ]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="places.csv"'


def test_a_csv_download_writes_a_formula_cell_as_text():
    response = csv_response(
        filename="x.csv", header=["title"], rows=[['=HYPERLINK("http://evil.example","Click")']]
    )

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ['\'=HYPERLINK("http://evil.example","Click")']


def test_a_large_csv_download_is_streamed_a_row_at_a_time():
    produced = 0

    def rows():
        nonlocal produced
        for number in range(100_000):
            produced += 1
            yield [number, f"row {number}"]

    response = csv_response(filename="big.csv", header=["n", "text"], rows=rows())
    assert isinstance(response, StreamingHttpResponse)
    assert produced == 0

    chunks = iter(response.streaming_content)
    assert next(chunks) == BYTE_ORDER_MARK.encode() + b"n,text\r\n"
    assert next(chunks) == b"0,row 0\r\n"
    assert produced == 1
    assert sum(1 for _ in chunks) == 99_999


def test_a_csv_file_for_an_archive_has_the_same_lines_as_the_download():
    header, rows = ["id", "title"], [[1, "-1+2"], [2, "Skate park"]]

    text = csv_text(header=header, rows=rows)
    download = b"".join(csv_response(filename="a.csv", header=header, rows=rows).streaming_content)

    assert text.encode("utf-8") == download
    assert text.startswith(BYTE_ORDER_MARK + "id,title")
    assert "'-1+2" in text


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
