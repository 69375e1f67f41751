"""Factories for the shared vocabularies, used by every content app's tests.

Terms are found by key (get_or_create), so a test can ask for `CountryFactory(key="fi")`
whether or not the seeding migration's row is there.
"""

import factory

from portal.models import SDG, Country, GovernmentLevel, InnovationType, Method, Stage, Theme


class VocabularyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        django_get_or_create = ("key",)


def _term_factory(model, key_prefix: str, name_prefix: str) -> type[VocabularyTermFactory]:
    return type(
        f"{model.__name__}Factory",
        (VocabularyTermFactory,),
        {
            "key": factory.Sequence(lambda n: f"{key_prefix}{n}"),
            "name": factory.Sequence(lambda n: f"{name_prefix} {n}"),
            "Meta": type("Meta", (), {"model": model}),
        },
    )


CountryFactory = _term_factory(Country, "c", "Country")
ThemeFactory = _term_factory(Theme, "theme-", "Theme")
MethodFactory = _term_factory(Method, "method-", "Method")
StageFactory = _term_factory(Stage, "stage-", "Stage")
GovernmentLevelFactory = _term_factory(GovernmentLevel, "level-", "Level")
InnovationTypeFactory = _term_factory(InnovationType, "facet-", "Facet")


class SDGFactory(VocabularyTermFactory):
    number = factory.Sequence(lambda n: n + 1)
    key = factory.LazyAttribute(lambda o: f"sdg-{o.number}")
    name = factory.Sequence(lambda n: f"Goal {n}")

    class Meta:
        model = SDG
