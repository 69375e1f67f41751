"""Factories for toolkit pages."""

from wagtail.rich_text import RichText

import factory
import wagtail_factories

from toolkit.models import ResourcePage, ToolkitIndexPage
from toolkit.vocabularies import Cost, ResourceFormat


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
    purposes = factory.LazyFunction(lambda: ["insight-finding"])
    audiences = factory.LazyFunction(lambda: ["practitioner"])
    skill_levels = factory.LazyFunction(lambda: ["beginner"])
    time_needed = "half-day"
    group_sizes = factory.LazyFunction(lambda: ["small-team"])
    cost = Cost.FREE
    languages = factory.LazyFunction(lambda: ["en"])
    openness = factory.LazyFunction(lambda: ["reusable"])

    class Meta:
        model = ResourcePage
