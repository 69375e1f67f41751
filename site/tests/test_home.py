"""The home page shows what the knowledge index holds, newest first, kind by kind."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from cases.factories import CaseIndexPageFactory, CasePageFactory
from cases.models import CaseIndexPage
from search.outbox import outbox_drain
from toolkit.factories import ResourcePageFactory, ToolkitIndexPageFactory


def drain_outbox() -> None:
    while outbox_drain().completed:
        pass


@pytest.fixture
def home_with_content(home_page):
    cases = CaseIndexPageFactory(parent=home_page)
    for year in (2015, 2019, 2023, 2024):
        CasePageFactory(parent=cases, title=f"Street experiment {year}", year_launched=year)
    tools = ToolkitIndexPageFactory(parent=home_page)
    ResourcePageFactory(parent=tools, title="Experiment canvas")
    drain_outbox()
    return home_page


def test_home_counts_what_each_area_holds(client, home_with_content):
    response = client.get("/en/")

    counts = {item["kind"]: item["count"] for item in response.context["overview"]["counts"]}
    assert counts["case"] == 4
    assert counts["tool"] == 1
    assert "4" in response.text and "Case studies".lower() in response.text.lower()


def test_home_lists_the_latest_three_of_each_kind(client, home_with_content):
    response = client.get("/en/")

    latest = {item["kind"]: item["documents"] for item in response.context["overview"]["latest"]}
    assert len(latest["case"]) == 3
    assert [doc.title for doc in latest["tool"]] == ["Experiment canvas"]
    for document in latest["case"]:
        assert document.title in response.text


def test_home_query_count_does_not_grow_with_content(client, home_with_content):
    client.get("/en/")  # fills the per-process caches (site root paths, settings)
    with CaptureQueriesContext(connection) as few:
        client.get("/en/")
    cases = CaseIndexPage.objects.get()
    for number in range(12):
        CasePageFactory(parent=cases, title=f"More experiments {number}")
    drain_outbox()
    with CaptureQueriesContext(connection) as more:
        client.get("/en/")

    assert len(more.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 25
