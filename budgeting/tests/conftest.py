from decimal import Decimal

import pytest

from budgeting.factories import (
    ProcessFactory,
    ProjectFactory,
    UserFactory,
    process_in_implementation,
)
from budgeting.implementation import services as implementation_services
from budgeting.implementation.models import Implementation
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase
from budgeting.voting import services as voting_services


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The comment rate limit lives in the cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organiser(db):
    return UserFactory(username="organiser")


@pytest.fixture
def citizen(db):
    return UserFactory(username="citizen")


@pytest.fixture
def process(db, organiser):
    process = ProcessFactory(phase=Phase.PROPOSALS, budget_amount=Decimal("100000"))
    process.organisers.add(organiser)
    return process


@pytest.fixture
def open_vote(process, organiser):
    """Open the vote of `process` with four feasible projects (costs 60k, 40k, 30k, 20k) under
    the rule given as field values (`open_vote(ballot_type="knapsack")`). Everything that
    decides the count is frozen when voting opens, so it is configured before."""

    def open_(**fields):
        for name, value in fields.items():
            setattr(process, name, value)
        process.save()
        for title, cost in (
            ("Skate park", 60000),
            ("Library hours", 40000),
            ("Trees", 30000),
            ("Benches", 20000),
        ):
            ProjectFactory(
                process=process, title=title, estimated_cost=Decimal(cost), feasible=True
            )
        return processes_services.process_phase_set(
            process=process, phase=Phase.VOTING, user=organiser
        )

    return open_


@pytest.fixture
def voting_process(open_vote):
    """A process in its voting phase with four feasible projects (costs 60k, 40k, 30k, 20k)."""
    return open_vote()


@pytest.fixture
def funded(db, organiser):
    """A process in implementation: the skate park and the trees are funded (see the factory)."""
    return process_in_implementation(organiser=organiser)


@pytest.fixture
def skate(funded):
    return Implementation.objects.get(project__process=funded, project__title="Skate park")


@pytest.fixture
def servant(db):
    return UserFactory(username="servant")


@pytest.fixture
def team(skate, organiser, servant):
    """The skate park with its civil servant assigned."""
    implementation_services.implementation_team_set(
        implementation=skate, user=organiser, civil_servants=[servant]
    )
    return skate


def cast(process, voter, *projects):
    """Approval ballot helper: the voter approves the projects given by title."""
    by_title = {p.title: p.pk for p in process.projects.all()}
    return voting_services.ballot_submit(
        process=process, voter=voter, choices={by_title[t]: 1 for t in projects}
    )
