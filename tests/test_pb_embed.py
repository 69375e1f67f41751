"""A participatory budgeting process embedded in an ordinary page shows its current phase."""

from decimal import Decimal

import pytest

from budgeting.factories import ProcessFactory, ProjectFactory, UserFactory
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase
from portal.models import StandardPage


@pytest.fixture
def pb_page(home_page):
    organiser = UserFactory(username="organiser")
    process = ProcessFactory(phase=Phase.PROPOSALS, budget_amount=Decimal("50000"))
    process.organisers.add(organiser)
    ProjectFactory(process=process, title="Reading benches", estimated_cost=20000, feasible=True)
    page = home_page.add_child(
        instance=StandardPage(
            title="Our street experiment",
            slug="street-experiment",
            body=[("pb_process", {"process": process, "heading": "", "intro": "Have your say"})],
        )
    )
    return page, process, organiser


def test_a_standard_page_embeds_the_proposal_form_then_the_ballot(client, pb_page):
    page, process, organiser = pb_page
    client.force_login(UserFactory(username="resident"))

    html = client.get(page.url).content.decode()
    assert process.title in html and "Have your say" in html
    assert f'action="/en/pb/{process.slug}/propose/"' in html

    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)
    html = client.get(page.url).content.decode()
    assert "data-pb-ballot" in html and "Reading benches" in html
