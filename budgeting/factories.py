"""Factories for participatory budgeting tests."""

from decimal import Decimal

from django.utils import timezone

import factory

from budgeting.assessment.models import ImpactCriterion
from budgeting.processes.models import District, Phase, Process
from budgeting.proposals.models import Project, ProjectStatus
from network import factories as network_factories
from network.models import Member, MemberStatus
from portal.factories import CountryFactory

DEMO_TOWN = "Kokeilu demo town"


class UserFactory(network_factories.UserFactory):
    """A signed-up account; with `resident=True` (the default) also an active member profile in
    the municipality the process factories use, its residence confirmed there (as approving the
    membership does), so that it may vote with its account."""

    username = factory.Sequence(lambda n: f"pb-user-{n}")

    @factory.post_generation
    def resident(user, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        # get_or_create: browser tests flush the seeded vocabularies
        finland = CountryFactory(key="fi", name="Finland")
        Member.objects.get_or_create(
            user=user,
            defaults={
                "display_name": user.username,
                "country": finland,
                "municipality": DEMO_TOWN,
                "status": MemberStatus.ACTIVE,
                "residence_country": finland,
                "residence_municipality": DEMO_TOWN,
                "residence_confirmed_at": timezone.now(),
            },
        )


class ProcessFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Neighbourhood budget {n}")
    slug = factory.Sequence(lambda n: f"budget-{n}")
    summary = "Residents choose what the town spends part of its budget on."
    organiser_name = "Kokeilu demo town"
    municipality = DEMO_TOWN
    country = "fi"
    currency = "EUR"
    budget_amount = Decimal("100000")
    phase = Phase.PROPOSALS

    class Meta:
        model = Process


class DistrictFactory(factory.django.DjangoModelFactory):
    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"District {n}")
    budget = Decimal("50000")

    class Meta:
        model = District


class ProjectFactory(factory.django.DjangoModelFactory):
    process = factory.SubFactory(ProcessFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    description = "<p>Benches and shade trees along the river path.</p>"
    place = "River path"
    estimated_cost = Decimal("20000")
    champion = factory.SubFactory(UserFactory)
    status = ProjectStatus.SUBMITTED

    class Meta:
        model = Project

    class Params:
        feasible = factory.Trait(
            status=ProjectStatus.FEASIBLE,
            reviewed_cost=factory.SelfAttribute("estimated_cost"),
            review_reason="The parks department can build it this year.",
        )


class CriterionFactory(factory.django.DjangoModelFactory):
    process = factory.SubFactory(ProcessFactory)
    title = factory.Sequence(lambda n: f"Criterion {n}")
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = ImpactCriterion


def process_in_implementation(
    *,
    organiser,
    voters: int = 3,
    bonus_pool: Decimal = Decimal("10000"),
    slug: str | None = None,
    start: bool = True,
) -> Process:
    """A process carried through proposals, criteria, a vote and results into implementation.

    Budget 100,000 EUR, greedy counting; projects "Skate park" (60,000), "Trees" (30,000) and
    "Benches" (20,000), each with its own champion; criteria "Weekly users", "Residents
    satisfied" and "Cost kept". The voters approve the skate park and trees, and choose the
    criteria so that "Weekly users" and "Residents satisfied" define success (top 2). Skate park
    and trees are funded. With `start=False` the process stays in its results phase.
    """
    from budgeting.assessment import criteria as assessment_criteria
    from budgeting.processes import services as processes_services
    from budgeting.voting import services as voting_services

    process = ProcessFactory(
        phase=Phase.PROPOSALS,
        budget_amount=Decimal("100000"),
        counting_rule="greedy",
        bonus_pool_amount=bonus_pool,
        bonus_champion_share=Decimal(40),
        criteria_top_n=2,
        **({"slug": slug} if slug else {}),
    )
    process.organisers.add(organiser)
    projects = {
        title: ProjectFactory(
            process=process, title=title, estimated_cost=Decimal(cost), feasible=True
        )
        for title, cost in (("Skate park", 60000), ("Trees", 30000), ("Benches", 20000))
    }
    criteria = [
        assessment_criteria.criterion_add(process=process, user=organiser, title=title)
        for title in ("Weekly users", "Residents satisfied", "Cost kept")
    ]
    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)
    choices = ((0, 1), (0,), (0, 2))
    for index in range(voters):
        voter = UserFactory()
        approved = ["Skate park", "Trees"] if index < 2 else ["Skate park", "Benches"]
        voting_services.ballot_submit(
            process=process, voter=voter, choices={projects[t].pk: 1 for t in approved}
        )
        assessment_criteria.criteria_choose(
            process=process,
            voter=voter,
            criteria=[criteria[i].pk for i in choices[index % len(choices)]],
        )
    process = processes_services.process_phase_set(
        process=process, phase=Phase.RESULTS, user=organiser
    )
    if not start:
        return process
    return processes_services.implementation_start(process=process, user=organiser)
