"""The toolkit's own vocabularies: what a resource is, what it is good for and what it asks of you.

They are fixed choices (not editable terms) because the navigator's questions and the import
mapping (demo_data/mapping.json) are written against their keys. Each vocabulary is named as in
`search.facets` and gets a label provider (see `label_providers`), registered by ToolkitConfig.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf.locale import LANG_INFO
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceFormat(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TOOLKIT = "toolkit", _("Toolkit")
    METHOD = "method", _("Method")
    CARD_DECK = "card-deck", _("Card deck")
    COURSE = "course", _("Course")
    TEMPLATE = "template", _("Template")
    CANVAS = "canvas", _("Canvas")
    CASE_COLLECTION = "case-collection", _("Case collection")
    SOFTWARE = "software", _("Software or online service")


class Purpose(models.TextChoices):
    INSIGHT_FINDING = "insight-finding", _("Insight finding")
    IDEA_GENERATION = "idea-generation", _("Idea generation")
    PROTOTYPING = "prototyping", _("Prototyping")
    TESTING = "testing", _("Testing")
    COLLABORATION = "collaboration", _("Collaboration")
    ENGAGING_PUBLIC = "engaging-the-public", _("Engaging the public")
    DECIDING_TOGETHER = "deciding-together", _("Deciding together")
    BUILDING_A_TEAM = "building-a-team", _("Building a team")
    BUILDING_SUPPORT = "building-support", _("Building support")
    EVALUATION = "evaluation", _("Evaluation")
    SCALING = "scaling", _("Scaling")


class Audience(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    MANAGER = "manager", _("Manager")
    POLICY_MAKER = "policy-maker", _("Policy maker")
    FACILITATOR = "facilitator", _("Facilitator")


class SkillLevel(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class TimeNeeded(models.TextChoices):
    """Buckets of effort, shortest first (the navigator relies on this order)."""

    UNDER_1_HOUR = "under-1-hour", _("Under an hour")
    HALF_DAY = "half-day", _("A few hours")
    DAYS = "days", _("A few days")
    WEEKS = "weeks", _("Weeks or longer")


class GroupSize(models.TextChoices):
    INDIVIDUAL = "individual", _("On your own")
    SMALL_TEAM = "small-team", _("Small team (2–10)")
    WORKSHOP = "workshop", _("Workshop group (10–50)")
    LARGE = "large", _("Large group or the public (50+)")


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    PAID = "paid", _("Paid")


class Openness(models.TextChoices):
    """OPSI's openness levels."""

    REUSABLE = "reusable", _("Reusable")
    REMIXABLE = "remixable", _("Remixable")
    EDITABLE_SOURCE = "editable-source", _("Editable source files")


# Languages a resource can be available in: ISO 639-1 codes Django can name.
LANGUAGE_CODES = (
    "ar", "de", "en", "es", "fi", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "sv", "tr",
    "uk", "zh-hans",
)  # fmt: skip


def language_choices() -> list[tuple[str, str]]:
    return [(code, LANG_INFO[code]["name"]) for code in LANGUAGE_CODES]


SKILL_ORDER = tuple(SkillLevel.values)
TIME_ORDER = tuple(TimeNeeded.values)

LabelProvider = Callable[[Iterable[str]], dict[str, str]]


def choice_labels(choices: type[models.TextChoices]) -> LabelProvider:
    """A label provider naming the keys of a TextChoices (no query)."""

    def labels(keys: Iterable[str]) -> dict[str, str]:
        names = dict(choices.choices)
        return {key: str(names[key]) for key in keys if key in names}

    return labels


def language_labels(keys: Iterable[str]) -> dict[str, str]:
    return {key: LANG_INFO[key]["name"] for key in keys if key in LANG_INFO}


def label_providers() -> dict[str, LabelProvider]:
    """Every toolkit vocabulary the search facets name (search/facets.py), with its provider."""
    return {
        "formats": choice_labels(ResourceFormat),
        "purposes": choice_labels(Purpose),
        "audiences": choice_labels(Audience),
        "skill_levels": choice_labels(SkillLevel),
        "time_needed": choice_labels(TimeNeeded),
        "group_sizes": choice_labels(GroupSize),
        "costs": choice_labels(Cost),
        "languages": language_labels,
        "openness": choice_labels(Openness),
    }
