"""The one CSV writer of every file the site offers for download (cases, workshop participants,
the PB ledger and the open-data zip), and of the Wagtail admin's own CSV exports (reports such
as the site history, which lists titles that members wrote, and snippet listings).

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or a
carriage return) as a formula, so a project titled `=HYPERLINK("http://evil.example", "Click")`
would become a live link, or worse, on the organiser's machine ("CSV injection"). As OWASP
advises, such a cell is written with a leading `'`, which spreadsheets show as text and do not
display. Numbers are left as they are: a number (`-250.00`, or a number-like text such as
`-3.5`) cannot be a formula, and a date (`2025-06-01`) starts with a digit.

Every file starts with a UTF-8 byte-order mark: without it, Excel reads a CSV file in the
machine's legacy code page and turns "Hämeenlinna" into "HÃ¤meenlinna". Downloads are streamed
(`csv_response`), so an export of every case holds no more than one row in memory; a file put
into an archive is built from the same lines (`csv_text`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import StreamingHttpResponse

BYTE_ORDER_MARK = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def csv_cell(value: object) -> str:
    """`value` as a CSV cell that a spreadsheet shows as text, never runs: None is empty, a
    number as written, and text that a spreadsheet would read as a formula gets a leading `'`."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Echo:
    """A stream whose `write` hands the line back, so that `csv.writer.writerow` returns it."""

    def write(self, text: str, /) -> str:
        return text


def csv_lines(*, header: Sequence[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The lines of a CSV file, one at a time: the byte-order mark with the header row, then
    each row with every cell through `csv_cell` (rows are read lazily, one at a time)."""
    writer = csv.writer(_Echo())
    yield BYTE_ORDER_MARK + writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_text(*, header: Sequence[str], rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV file as text (for a file inside an archive): the same lines as
    `csv_response` sends."""
    return "".join(csv_lines(header=header, rows=rows))


def csv_response(
    *,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Iterable[object]],
) -> StreamingHttpResponse:
    """A CSV download named `filename`, streamed row by row as UTF-8 with a byte-order mark,
    every cell neutralised (see the module docstring). `rows` may be a generator: it is read
    while the response is sent."""
    response = StreamingHttpResponse(
        csv_lines(header=header, rows=rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def wagtail_exports_neutralise() -> None:
    """Make the Wagtail admin's CSV exports write every cell through `csv_cell`.

    Wagtail turns formulas back into text in its XLSX exports only; its CSV rows go out as the
    values are. Its reports and listings all write rows through
    `SpreadsheetExportMixin.write_csv_row`, so that one method is wrapped here (called once from
    `PortalConfig.ready()`), rather than replacing every report view.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.write_csv_row
    if getattr(original, "neutralises_formulas", False):
        return

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: csv_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )

    write_csv_row.neutralises_formulas = True  # type: ignore[attr-defined]  # marks it as ours
    SpreadsheetExportMixin.write_csv_row = write_csv_row
