"""The one place that defines the facets of the knowledge index.

A facet has a name (used in results), the URL parameter that selects its values, and the
`SearchDocument` field it reads. Selections within one facet are OR-ed; selections of different
facets are AND-ed; each facet's counts apply every other facet's selection but not its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from search.query import FacetValue

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Facet:
    name: str  # key in results["facets"]
    param: str  # URL query parameter, repeatable: ?country=fi&country=se
    field: str  # SearchDocument field
    label: StrOrPromise
    vocabulary: str | None = None  # name of the label provider (see search.registry)
    sort: str = "count"  # "count" (most first) or "value" (e.g. year, newest first)
    size: int = 50  # how many values to count at most
    topical: bool = False  # shared values make documents related (see SearchEngine.related)
    # also filtered by a from/to range (only "year": SearchQuery.year_from and year_to)
    ranged: bool = False


FACETS: tuple[Facet, ...] = (
    Facet("kind", "kind", "kind", _("Type"), vocabulary="kinds"),
    # every country can be counted (the case library draws a map from these counts)
    Facet(
        "country",
        "country",
        "countries",
        _("Country"),
        vocabulary="countries",
        size=300,
        topical=True,
    ),
    Facet("theme", "theme", "themes", _("Theme"), vocabulary="themes", topical=True),
    Facet("method", "method", "methods", _("Method"), vocabulary="methods", topical=True),
    Facet("stage", "stage", "stages", _("Lifecycle stage"), vocabulary="stages", topical=True),
    Facet(
        "government_level",
        "government_level",
        "government_levels",
        _("Level of government"),
        vocabulary="government_levels",
        topical=True,
    ),
    Facet(
        "innovation_type",
        "innovation_type",
        "innovation_types",
        _("Innovation facet"),
        vocabulary="innovation_types",
        topical=True,
    ),
    Facet("sdg", "sdg", "sdgs", _("Sustainable Development Goal"), vocabulary="sdgs", topical=True),
    Facet("outcome", "outcome", "outcome", _("Outcome"), vocabulary="outcomes"),
    Facet("year", "year", "year", _("Year"), sort="value", size=100, ranged=True),
    # cases
    Facet("status", "status", "status", _("Status"), vocabulary="case_statuses"),
    Facet(
        "experiment_outcome",
        "experiment_outcome",
        "experiment_outcomes",
        _("Experiment outcome"),
        vocabulary="experiment_outcomes",
    ),
    # tools
    Facet("format", "format", "formats", _("Type of resource"), vocabulary="formats"),
    Facet("purpose", "purpose", "purposes", _("Good for"), vocabulary="purposes"),
    Facet("audience", "audience", "audiences", _("Intended user"), vocabulary="audiences"),
    Facet(
        "skill_level", "skill_level", "skill_levels", _("Skill level"), vocabulary="skill_levels"
    ),
    Facet("time_needed", "time_needed", "time_needed", _("Time needed"), vocabulary="time_needed"),
    Facet("group_size", "group_size", "group_sizes", _("Group size"), vocabulary="group_sizes"),
    Facet("cost", "cost", "cost", _("Cost"), vocabulary="costs"),
    Facet("language", "language", "languages", _("Language"), vocabulary="languages"),
    Facet("openness", "openness", "openness", _("Openness"), vocabulary="openness"),
    # members and groups
    Facet("role", "role", "roles", _("Role"), vocabulary="roles"),
    Facet("skill", "skill", "skills", _("Core skill"), vocabulary="skills"),
    Facet("looking_for", "looking_for", "looking_for", _("Looking for"), vocabulary="exchange"),
    Facet("offering", "offering", "offering", _("Offering"), vocabulary="exchange"),
    Facet(
        "organisation_type",
        "organisation_type",
        "organisation_types",
        _("Organisation type"),
        vocabulary="organisation_types",
    ),
    # stories
    Facet("root_cause", "root_cause", "root_causes", _("Root cause"), vocabulary="root_causes"),
    # PB projects (funded ones)
    Facet(
        "implementation_status",
        "implementation_status",
        "implementation_status",
        _("Implementation status"),
        vocabulary="implementation_statuses",
    ),
)

FACETS_BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}
FACETS_BY_PARAM: dict[str, Facet] = {facet.param: facet for facet in FACETS}


def _value_order(value: str) -> tuple[int, str]:
    return (int(value) if value.isdigit() else -1, value)


def facet_values(
    facet: Facet, counts: dict[str, int], selections: dict[str, tuple[str, ...]]
) -> list[FacetValue]:
    """A facet's values as every engine lists them: most frequent first (ties by value), or by
    value, newest first, for `sort="value"` facets; at most `facet.size`, plus any selected
    value, which stays visible (to be unselected) even when nothing matches it."""
    selected = selections.get(facet.name, ())
    if facet.sort == "value":
        ordered = sorted(counts, key=_value_order, reverse=True)
    else:
        ordered = sorted(counts, key=lambda value: (-counts[value], value))
    values = ordered[: facet.size]
    values += [value for value in selected if value not in values]
    return [FacetValue(value, counts.get(value, 0), value in selected) for value in values]
