"""The one CSV writer of every file the site offers for download (cases, workshop participants,
the PB ledger and the open-data zip), and of the Wagtail admin's own CSV exports (reports such
as the site history, which lists titles that members wrote, and snippet listings).

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or a
carriage return) as a formula, so a project titled `=HYPERLINK("http://evil.example", "Click")`
would become a live link, or worse, on the organiser's machine ("CSV injection"). As OWASP
advises, such a cell is written with a leading `'`, which spreadsheets show as text and do not
display. Numbers are left as they are: a number (`-250.00`, or a number-like text such as
`-3.5`) cannot be a formula, and a date (`2025-06-01`) starts with a digit.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


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


class CsvWriter:
    """`csv.writer` whose every cell goes through `csv_cell`; `writerow` returns what the
    stream's `write` returned (a line, for a streaming response's echo stream)."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


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

    write_csv_row.neutralises_formulas = True
    SpreadsheetExportMixin.write_csv_row = write_csv_row
