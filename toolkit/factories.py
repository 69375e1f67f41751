"""Factories for toolkit pages."""

from wagtail.rich_text import RichText

import factory
import wagtail_factories

from toolkit.models import ResourcePage, ToolkitIndexPage
from toolkit.vocabularies import (
    Audience,
    Cost,
    GroupSize,
    Openness,
    Purpose,
    ResourceFormat,
    SkillLevel,
    TimeNeeded,
)


class ToolkitIndexPageFactory(wagtail_factories.PageFactory):
    title = "Toolkit"
    slug = "toolkit"
    intro = "Methods and guides for public innovators."

    class Meta:
        model = ToolkitIndexPage


class ResourcePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Resource {n}")
    slug = factory.Sequence(lambda n: f"resource-{n}")
    summary = factory.Faker("sentence", nb_words=20)
    body = factory.LazyFunction(
        lambda: [("paragraph", RichText("<h2>How to do it</h2><p>Step by step.</p>"))]
    )
    publisher = "Example Lab"
    link = "https://example.org/resource"
    format = ResourceFormat.METHOD
    purposes = factory.LazyFunction(lambda: [Purpose.INSIGHT_FINDING])
    audiences = factory.LazyFunction(lambda: [Audience.PRACTITIONER])
    skill_levels = factory.LazyFunction(lambda: [SkillLevel.BEGINNER])
    time_needed = TimeNeeded.HALF_DAY
    group_sizes = factory.LazyFunction(lambda: [GroupSize.SMALL_TEAM])
    cost = Cost.FREE
    languages = factory.LazyFunction(lambda: ["en"])
    openness = factory.LazyFunction(lambda: [Openness.REUSABLE])

    class Meta:
        model = ResourcePage
