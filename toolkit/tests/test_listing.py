import json

import pytest

from cases.factories import StageFactory
from toolkit.factories import ResourcePageFactory
from toolkit.models import RESOURCES_PER_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def resources(index, drain):
    ResourcePageFactory(
        parent=index,
        title="Zine workshop",
        purposes=["idea-generation"],
        cost="free",
        skill_levels=["beginner"],
    )
    ResourcePageFactory(
        parent=index,
        title="Affinity mapping",
        purposes=["insight-finding", "idea-generation"],
        cost="free",
        skill_levels=["beginner"],
    )
    ResourcePageFactory(
        parent=index,
        title="Randomised trial",
        purposes=["testing"],
        cost="paid",
        skill_levels=["advanced"],
    )
    ResourcePageFactory(parent=index, title="Draft tool", live=False)
    drain()


def facet(response, name):
    return {
        v["value"]: (v["count"], v["selected"])
        for f in response.context["facets"]
        if f["name"] == name
        for v in f["values"]
    }


def test_toolkit_lists_live_resources_by_title(client, index, resources):
    html = client.get(index.url).content.decode()

    assert html.index("Affinity mapping") < html.index("Randomised trial") < html.index("Zine")
    assert "Draft tool" not in html
    assert "3 resources" in html


def test_facet_counts_apply_the_other_facets_selections(client, index, resources):
    response = client.get(index.url, {"purpose": ["idea-generation", "testing"], "cost": "free"})

    titles = [card["document"].title for card in response.context["cards"]]
    assert titles == ["Affinity mapping", "Zine workshop"]
    # purpose counts carry the cost selection but not their own
    assert facet(response, "purpose") == {
        "idea-generation": (2, True),
        "insight-finding": (1, False),
        "testing": (0, True),  # selected: shown even when the cost filter leaves none
    }
    # cost counts carry both purpose selections but not their own
    assert facet(response, "cost") == {"free": (2, True), "paid": (1, False)}
    assert facet(response, "skill_level")["beginner"] == (2, False)
    html = response.content.decode()
    assert "Good for: Idea generation" in html  # an active filter chip
    assert "Insight finding" in html


def test_filters_of_other_kinds_are_refused_with_a_message(client, index, resources):
    response = client.get(index.url, {"country": "fi"})

    assert response.status_code == 400
    assert "do not apply to toolkit resources" in response.content.decode()


def test_listing_query_count_does_not_grow_with_resources(
    client, index, drain, django_assert_max_num_queries
):
    stages = [StageFactory(key="implementing", name="Implementing")]
    ResourcePageFactory(parent=index, stages=stages)
    drain()
    params = {"purpose": "insight-finding", "stage": "implementing"}
    client.get(index.url, params)
    with django_assert_max_num_queries(40) as few:
        client.get(index.url, params)

    for _ in range(RESOURCES_PER_PAGE + 3):
        ResourcePageFactory(parent=index, stages=stages)
    drain()
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(index.url, params)

    assert len(response.context["cards"]) == RESOURCES_PER_PAGE
    assert len(many) == len(few)


def test_search_api_gives_tools_with_their_facets(client, index, resources):
    response = client.get(
        "/en/api/search/", {"kind": "tool", "cost": "free", "skill_level": "beginner"}
    )

    data = json.loads(response.content)
    assert response.status_code == 200
    assert data["total"] == 2
    assert {hit["title"] for hit in data["hits"]} == {"Zine workshop", "Affinity mapping"}
    hit = data["hits"][0]
    assert hit["kind"] == "tool" and hit["cost"] == "free" and hit["skill_levels"] == ["beginner"]
    costs = {v["value"]: (v["label"], v["count"]) for v in data["facets"]["cost"]}
    assert costs == {"free": ("Free", 2)}  # the paid trial is advanced: skill filter applies
    purposes = {v["value"]: v["label"] for v in data["facets"]["purpose"]}
    assert purposes["idea-generation"] == "Idea generation"
