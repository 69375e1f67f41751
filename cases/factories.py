"""Factories for case study pages and the vocabulary terms they are tagged with."""

from wagtail.rich_text import RichText

import factory
import wagtail_factories

from cases.models import CaseIndexPage, CasePage
from portal.models import Country, Method, Stage, Theme


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
