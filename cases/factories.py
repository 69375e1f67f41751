"""Factories for case study pages and the vocabulary terms they are tagged with."""

from wagtail.rich_text import RichText

import factory
import wagtail_factories

from cases.models import (
    Assignment,
    CaseIndexPage,
    CaseLineage,
    CasePage,
    ControlGroup,
    ExperimentOutcome,
    LineageRelation,
    SuccessCriterion,
)
from portal.factories import (  # noqa: F401  (tests import the vocabularies from here too)
    CountryFactory,
    GovernmentLevelFactory,
    InnovationTypeFactory,
    MethodFactory,
    SDGFactory,
    StageFactory,
    ThemeFactory,
)


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
    control_group = ControlGroup.DIFFERENT_GROUP
    assignment = Assignment.RANDOM
    sample_size = "2,000 households"
    hypothesis_outcome = ExperimentOutcome.MET


class SuccessCriterionFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(ExperimentCaseFactory)
    indicator = "Response rate"
    baseline = "31 %"
    target = "40 %"
    result = "44 %"
    outcome = ExperimentOutcome.MET

    class Meta:
        model = SuccessCriterion


class CaseLineageFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(CasePageFactory)
    earlier_case = factory.SubFactory(CasePageFactory)
    relation = LineageRelation.ADAPTED_FROM
    note = "Run by a region instead of a city."

    class Meta:
        model = CaseLineage
