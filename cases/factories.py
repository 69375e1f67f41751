"""Factories for case study pages and the vocabulary terms they are tagged with."""

from wagtail.rich_text import RichText

import factory
import wagtail_factories

from cases.models import CaseIndexPage, CaseLineage, CasePage, SuccessCriterion
from portal.models import SDG, Country, GovernmentLevel, InnovationType, Method, Stage, Theme


class CountryFactory(factory.django.DjangoModelFactory):
    key = factory.Sequence(lambda n: f"c{n}")
    name = factory.Sequence(lambda n: f"Country {n}")

    class Meta:
        model = Country
        django_get_or_create = ("key",)


class ThemeFactory(factory.django.DjangoModelFactory):
    key = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")

    class Meta:
        model = Theme
        django_get_or_create = ("key",)


class MethodFactory(factory.django.DjangoModelFactory):
    key = factory.Sequence(lambda n: f"method-{n}")
    name = factory.Sequence(lambda n: f"Method {n}")

    class Meta:
        model = Method
        django_get_or_create = ("key",)


class StageFactory(factory.django.DjangoModelFactory):
    key = factory.Sequence(lambda n: f"stage-{n}")
    name = factory.Sequence(lambda n: f"Stage {n}")

    class Meta:
        model = Stage
        django_get_or_create = ("key",)


class GovernmentLevelFactory(factory.django.DjangoModelFactory):
    key = factory.Sequence(lambda n: f"level-{n}")
    name = factory.Sequence(lambda n: f"Level {n}")

    class Meta:
        model = GovernmentLevel
        django_get_or_create = ("key",)


class InnovationTypeFactory(factory.django.DjangoModelFactory):
    key = factory.Sequence(lambda n: f"facet-{n}")
    name = factory.Sequence(lambda n: f"Facet {n}")

    class Meta:
        model = InnovationType
        django_get_or_create = ("key",)


class SDGFactory(factory.django.DjangoModelFactory):
    number = factory.Sequence(lambda n: n + 1)
    key = factory.LazyAttribute(lambda o: f"sdg-{o.number}")
    name = factory.Sequence(lambda n: f"Goal {n}")

    class Meta:
        model = SDG
        django_get_or_create = ("key",)


class CaseIndexPageFactory(wagtail_factories.PageFactory):
    title = "Case studies"
    slug = "cases"
    intro = "What public organisations tried and how it went."

    class Meta:
        model = CaseIndexPage


class CasePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Case study {n}")
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    summary = factory.Faker("sentence", nb_words=20)
    body = factory.LazyFunction(
        lambda: [("paragraph", RichText("<h2>What we tried</h2><p>A small experiment.</p>"))]
    )
    year_launched = 2021

    class Meta:
        model = CasePage


class ExperimentCaseFactory(CasePageFactory):
    """A case with an experiment card; `criteria__outcome` etc. through SuccessCriterionFactory."""

    is_experiment = True
    learning_question = "Do reminders raise the response rate?"
    hypothesis = "If residents get a reminder letter, then more of them answer."
    control_group = "different-group"
    assignment = "random"
    sample_size = "2,000 households"
    hypothesis_outcome = "met"


class SuccessCriterionFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(ExperimentCaseFactory)
    indicator = "Response rate"
    baseline = "31 %"
    target = "40 %"
    result = "44 %"
    outcome = "met"

    class Meta:
        model = SuccessCriterion


class CaseLineageFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(CasePageFactory)
    earlier_case = factory.SubFactory(CasePageFactory)
    relation = "adapted-from"
    note = "Run by a region instead of a city."

    class Meta:
        model = CaseLineage
