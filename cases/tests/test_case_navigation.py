"""A case page's tags lead on (to the filtered library and the toolkit) and a long page has a
table of contents (issue 17)."""

import re

from wagtail.rich_text import RichText

import pytest

from cases.factories import CasePageFactory, ExperimentCaseFactory, MethodFactory, ThemeFactory
from toolkit.factories import ResourcePageFactory, ToolkitIndexPageFactory
from toolkit.vocabularies import ResourceFormat

pytestmark = pytest.mark.django_db


def test_theme_tags_link_to_the_library_filtered_by_the_theme(client, index):
    case = CasePageFactory(parent=index, themes=[ThemeFactory(key="health", name="Health")])

    html = client.get(case.url).content.decode()

    assert re.search(
        rf'<a class="tag" href="{index.url}\?theme=health#results"[^>]*>Health</a>', html
    )


def test_method_tags_link_to_the_filtered_library_and_the_toolkit_method(client, index, home):
    toolkit = ToolkitIndexPageFactory(parent=home)
    budgeting = MethodFactory(key="participatory-budgeting", name="Participatory budgeting")
    jury = MethodFactory(key="citizens-jury", name="Citizens' jury")
    guide = ResourcePageFactory(parent=toolkit, title="Participatory Budgeting")
    ResourcePageFactory(parent=toolkit, title="Unrelated guide", methods=[jury])
    case = CasePageFactory(parent=index, methods=[budgeting, jury])

    html = client.get(case.url).content.decode()

    assert re.search(
        rf'<a class="tag" href="{index.url}\?method=participatory-budgeting#results"[^>]*>'
        r"Participatory budgeting</a>",
        html,
    )
    assert re.search(rf'<a class="tag" href="{index.url}\?method=citizens-jury#results"', html)
    assert f'href="{guide.url}">How to use it' in html
    # a resource of the method format tagged with the method counts too; other formats not
    assert html.count("How to use it") == 2


def test_a_method_without_a_toolkit_resource_links_only_to_the_library(client, index, home):
    toolkit = ToolkitIndexPageFactory(parent=home)
    sprint = MethodFactory(key="design-sprint", name="Design sprint")
    # a guide that mentions the method is not the method's own page
    ResourcePageFactory(
        parent=toolkit, title="Running a sprint", format=ResourceFormat.GUIDE, methods=[sprint]
    )
    case = CasePageFactory(parent=index, methods=[sprint])

    html = client.get(case.url).content.decode()

    assert f'href="{index.url}?method=design-sprint#results"' in html
    assert "How to use it" not in html


def _contents(html: str) -> str:
    match = re.search(
        r'<nav class="case__contents" aria-labelledby="contents-heading">(.*?)</nav>', html, re.S
    )
    return match.group(1) if match else ""


def test_a_long_case_has_a_table_of_contents_linking_to_every_heading(client, index):
    case = CasePageFactory(
        parent=index,
        problem="<p>Few residents took part.</p>",
        results="<p>Turnout doubled.</p>",
        body=[
            (
                "paragraph",
                RichText(
                    "<h2>History</h2><p>Since 1993.</p><h2>Participant selection</h2>"
                    "<p>By lot.</p><h3>Results &amp; effects</h3><p>Good.</p>"
                ),
            )
        ],
    )

    html = client.get(case.url).content.decode()

    contents = _contents(html)
    assert '<h2 id="contents-heading">Contents</h2>' in contents
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', contents)
    assert [title for _id, title in links] == [
        "The problem",
        "Results and impact",
        "More about the case",
        "History",
        "Participant selection",
        "Results &amp; effects",
    ]
    for anchor, _title in links:  # every entry leads to exactly one element of the page
        assert len(re.findall(rf'\bid="{re.escape(anchor)}"', html)) == 1, anchor


def test_body_headings_never_take_an_id_the_page_uses(client, index):
    case = CasePageFactory(
        parent=index,
        problem="<p>Few residents took part.</p>",
        body=[
            (
                "paragraph",
                RichText("<h2>Main</h2><p>x</p><h2>Main</h2><p>y</p><h2>Links heading</h2>"),
            )
        ],
    )

    html = client.get(case.url).content.decode()

    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert 'id="main-2"' in html


def test_a_short_case_has_no_table_of_contents(client, index):
    case = CasePageFactory(parent=index, body=[("paragraph", RichText("<p>Only a paragraph.</p>"))])

    assert 'aria-labelledby="contents-heading"' not in client.get(case.url).content.decode()


def test_an_experiment_cards_heading_is_in_the_contents(client, index):
    case = ExperimentCaseFactory(
        parent=index, problem="<p>Low response.</p>", results="<p>Up by a third.</p>"
    )

    contents = _contents(client.get(case.url).content.decode())

    assert '<a href="#experiment-heading">Experiment card</a>' in contents
