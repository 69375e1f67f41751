"""Factories for participatory budgeting tests."""

from decimal import Decimal

import factory

from budgeting.models import District, Phase, Process, Project, ProjectStatus
from network import factories as network_factories
from network.models import Member, MemberStatus
from portal.factories import CountryFactory

DEMO_TOWN = "Kokeilu demo town"


class UserFactory(network_factories.UserFactory):
    """A signed-up account; with `resident=True` (the default) also an active member profile in
    the municipality the process factories use, so that it may vote with its account."""

    username = factory.Sequence(lambda n: f"pb-user-{n}")

    @factory.post_generation
    def resident(user, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        Member.objects.get_or_create(
            user=user,
            defaults={
                "display_name": user.username,
                # get_or_create: browser tests flush the seeded vocabularies
                "country": CountryFactory(key="fi", name="Finland"),
                "municipality": DEMO_TOWN,
                "status": MemberStatus.ACTIVE,
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
