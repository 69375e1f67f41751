"""The site's one bar chart: a horizontal SVG bar chart, always paired with a table of the same
numbers (templates/components/bar_chart.html).

This module only computes the geometry; the template draws it. A chart is never the only way
to read its numbers: the template either renders its own table of them or links to a richer
table the page already shows (`table_id`). Bars with an address are links, so a person using a
keyboard or a screen reader can follow them as anyone else would click a bar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import Truncator

# Geometry in SVG user units; the SVG scales to its container.
LABEL_WIDTH = 260
BAR_SPACE = 300
VALUE_SPACE = 80
ROW = 28
BAR = 18
LABEL_CHARS = 34

Number = int | float | Decimal


@dataclass(frozen=True)
class Bar:
    label: str  # as drawn, shortened to fit
    full_label: str  # for the description, the table and the link's title
    value: Number
    selected: bool
    url: str
    y: float
    text_y: float
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    rows: list[dict]  # the rows of the paired table: label, value, selected, url
    unit: str
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR

    @property
    def has_links(self) -> bool:
        """Whether a bar is a link (the SVG is then a group of links, not one image)."""
        return any(bar.url for bar in self.bars)


def bar_chart(
    *,
    rows: Iterable[Mapping],
    unit: str = "",
    limit: int | None = None,
    table_rows: Iterable[Mapping] | None = None,
) -> BarChart:
    """The geometry of a horizontal bar chart of `rows`, scaled to the largest value.

    Each row is a mapping with `label` and `value`, and optionally `selected` (drawn
    highlighted, named in the table) and `url` (the bar and the table's label link there).
    `limit` draws only the first rows (already in the order to show); the paired table lists
    `table_rows` (the same kind of rows, for instance every row in alphabetical order), or all
    of `rows`.
    """
    drawn = _rows(rows)
    table = drawn if table_rows is None else _rows(table_rows)
    if limit is not None:
        drawn = drawn[:limit]
    largest = max((row["value"] for row in drawn), default=0) or 1
    bars = []
    for index, row in enumerate(drawn):
        width = max(round(BAR_SPACE * float(row["value"]) / float(largest), 1), 1)
        bars.append(
            Bar(
                label=Truncator(row["label"]).chars(LABEL_CHARS),
                full_label=row["label"],
                value=row["value"],
                selected=row["selected"],
                url=row["url"],
                y=index * ROW,
                text_y=index * ROW + BAR - 4,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    return BarChart(
        bars=bars,
        rows=table,
        unit=unit,
        width=LABEL_WIDTH + BAR_SPACE + VALUE_SPACE,
        height=max(len(bars) * ROW, ROW),
    )


def _rows(rows: Iterable[Mapping]) -> list[dict]:
    return [
        {
            "label": str(row["label"]),
            "value": row["value"],
            "selected": bool(row.get("selected", False)),
            "url": row.get("url") or "",
        }
        for row in rows
    ]
