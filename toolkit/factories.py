"""Factories for toolkit pages."""

from wagtail.rich_text import RichText

import factory
import wagtail_factories

from toolkit.models import ResourceFormat, ResourcePage, ToolkitIndexPage


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

    class Meta:
        model = ResourcePage
