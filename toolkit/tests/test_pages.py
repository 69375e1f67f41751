from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from cases.factories import MethodFactory, StageFactory
from toolkit.factories import ResourcePageFactory, ToolkitIndexPageFactory
from toolkit.models import RESOURCES_PER_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home):
    return ToolkitIndexPageFactory(parent=home)


def test_resource_page_shows_its_facts_and_credits_its_source(client, index):
    resource = ResourcePageFactory(
        parent=index,
        title="Journey mapping",
        summary="A visualisation of the steps a person takes to reach a goal.",
        publisher="18F, U.S. General Services Administration",
        link="https://methods.18f.gov/decide/journey-mapping/",
        time_required="4–12 hours",
        methods=[MethodFactory(key="service-design", name="Service design")],
        stages=[StageFactory(key="generating-ideas", name="Generating ideas")],
        source_name="18F Methods",
        source_url="https://methods.18f.gov/decide/journey-mapping/",
        licence="Public domain (CC0 1.0)",
    )

    response = client.get(resource.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Journey mapping</h1>" in html
    for fact in (
        "18F, U.S. General Services Administration",
        "Method",
        "4–12 hours",
        "Service design",
        "Generating ideas",
        "How to do it",
    ):
        assert fact in html
    assert 'class="credit"' in html
    assert "Public domain (CC0 1.0)" in html


def test_toolkit_lists_live_resources_by_title(client, index):
    ResourcePageFactory(parent=index, title="Zine workshop")
    ResourcePageFactory(parent=index, title="Affinity mapping")
    ResourcePageFactory(parent=index, title="Draft tool", live=False)

    html = client.get(index.url).content.decode()

    assert html.index("Affinity mapping") < html.index("Zine workshop")
    assert "Draft tool" not in html


def test_toolkit_listing_query_count_does_not_grow_with_resources(client, index):
    stages = [StageFactory(key="implementing", name="Implementing")]
    ResourcePageFactory(parent=index, stages=stages)
    client.get(index.url)
    with CaptureQueriesContext(connection) as few:
        client.get(index.url)

    for _ in range(RESOURCES_PER_PAGE + 3):
        ResourcePageFactory(parent=index, stages=stages)
    client.get(index.url)
    with CaptureQueriesContext(connection) as many:
        response = client.get(index.url)

    assert len(response.context["resources"]) == RESOURCES_PER_PAGE
    assert len(many) == len(few)


def test_editors_can_open_a_resource_in_the_page_editor(client, index, django_user_model):
    resource = ResourcePageFactory(parent=index)
    client.force_login(django_user_model.objects.create_superuser("editor", "e@example.org", "x"))

    assert client.get(f"/admin/pages/{resource.pk}/edit/").status_code == 200
