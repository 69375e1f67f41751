"""The one bar chart: geometry, and a component that never leaves the numbers only in a picture."""

from decimal import Decimal

from django.template.loader import render_to_string

from portal.charts import BAR_SPACE, LABEL_CHARS, LABEL_WIDTH, bar_chart


def test_bars_are_scaled_to_the_largest_value_and_long_labels_are_shortened():
    long_title = "A very long project title that does not fit in the chart"
    chart = bar_chart(
        rows=[
            {"label": "Skate park", "value": 10},
            {"label": long_title, "value": Decimal("5"), "selected": True},
        ],
        unit="votes",
    )

    first, second = chart.bars
    assert first.width == BAR_SPACE and second.width == BAR_SPACE / 2
    assert first.value_x == LABEL_WIDTH + BAR_SPACE + 6
    assert len(second.label) == LABEL_CHARS and second.label.endswith("…")
    assert second.full_label == long_title and second.selected
    assert chart.height == 2 * (second.y - first.y)


def test_a_chart_of_zeros_or_of_nothing_still_draws():
    assert bar_chart(rows=[{"label": "None yet", "value": 0}]).bars[0].width == 1
    empty = bar_chart(rows=[])
    assert empty.bars == [] and empty.height > 0


def test_the_chart_draws_the_top_rows_and_its_table_lists_every_row():
    ranked = [{"label": f"Country {n}", "value": 30 - n} for n in range(30)]
    alphabetical = sorted(ranked, key=lambda row: row["label"])

    chart = bar_chart(rows=ranked, limit=20, table_rows=alphabetical)

    assert len(chart.bars) == 20
    assert [row["label"] for row in chart.rows] == [row["label"] for row in alphabetical]


def test_the_component_describes_an_image_chart_and_pairs_it_with_a_table():
    chart = bar_chart(
        rows=[{"label": "Skate park", "value": 120}, {"label": "<Library>", "value": 80}],
        unit="votes",
    )

    html = render_to_string(
        "components/bar_chart.html",
        {
            "chart": chart,
            "chart_id": "votes",
            "title": "Votes per project",
            "description": "Selected projects are ticked.",
            "label_heading": "Project",
            "value_heading": "Votes",
        },
    )

    assert 'role="img" aria-labelledby="votes-title votes-desc"' in html
    assert "Skate park: 120 votes." in html  # the description holds every value
    assert "&lt;Library&gt;" in html and "<Library>" not in html
    assert '<table class="bar-chart__table" id="votes-table">' in html
    assert '<th scope="row">Skate park</th>' in html


def test_the_component_makes_bars_with_an_address_links_and_can_point_to_the_pages_table():
    chart = bar_chart(
        rows=[{"label": "Finland", "value": 2, "url": "/en/cases/?country=fi", "selected": True}]
    )

    html = render_to_string(
        "components/bar_chart.html",
        {"chart": chart, "chart_id": "c", "title": "Cases", "description": "", "table_id": "t"},
    )

    assert 'role="group"' in html
    assert '<a href="/en/cases/?country=fi" rel="nofollow"' in html
    assert '<a href="#t">' in html  # the figure's caption links to the page's own table
    assert "<table" not in html
