import pytest

from cases.factories import CaseIndexPageFactory, CasePageFactory, MethodFactory, StageFactory
from toolkit.factories import ResourcePageFactory

pytestmark = pytest.mark.django_db


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
        "Insight finding",
        "Beginner",
        "Free",
        "Service design",
        "Generating ideas",
        "How to do it",
    ):
        assert fact in html
    assert 'class="credit"' in html
    assert "Public domain (CC0 1.0)" in html


def test_editors_can_open_a_resource_in_the_page_editor(client, index, django_user_model):
    resource = ResourcePageFactory(parent=index)
    client.force_login(django_user_model.objects.create_superuser("editor", "e@example.org", "x"))

    assert client.get(f"/admin/pages/{resource.pk}/edit/").status_code == 200


def test_resource_page_lists_the_cases_that_used_it(client, index):
    resource = ResourcePageFactory(parent=index)

    cases = CaseIndexPageFactory(parent=index.get_parent())
    used = CasePageFactory(parent=cases, title="Helsinki tried it")
    used.tools.add(resource)
    used.save()
    draft = CasePageFactory(parent=cases, title="Draft case", live=False)
    draft.tools.add(resource)
    draft.save()

    html = client.get(resource.url).content.decode()

    assert "Case studies that used it" in html
    assert "Helsinki tried it" in html
    assert "Draft case" not in html
