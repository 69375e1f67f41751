"""The one place that defines the facets of the knowledge index.

A facet has a name (used in results), the URL parameter that selects its values, and the
`SearchDocument` field it reads. Selections within one facet are OR-ed; selections of different
facets are AND-ed; each facet's counts apply every other facet's selection but not its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Facet:
    name: str  # key in results["facets"]
    param: str  # URL query parameter, repeatable: ?country=fi&country=se
    field: str  # SearchDocument field
    label: str
    vocabulary: str | None = None  # name of the label provider (see search.registry)
    sort: str = "count"  # "count" (most first) or "value" (e.g. year, newest first)
    size: int = 50  # how many values to count at most


FACETS: tuple[Facet, ...] = (
    Facet("kind", "kind", "kind", _("Type"), vocabulary="kinds"),
    Facet("country", "country", "countries", _("Country"), vocabulary="countries"),
    Facet("theme", "theme", "themes", _("Theme"), vocabulary="themes"),
    Facet("method", "method", "methods", _("Method"), vocabulary="methods"),
    Facet("stage", "stage", "stages", _("Lifecycle stage"), vocabulary="stages"),
    Facet(
        "government_level",
        "government_level",
        "government_levels",
        _("Level of government"),
        vocabulary="government_levels",
    ),
    Facet(
        "innovation_type",
        "innovation_type",
        "innovation_types",
        _("Innovation facet"),
        vocabulary="innovation_types",
    ),
    Facet("sdg", "sdg", "sdgs", _("Sustainable Development Goal"), vocabulary="sdgs"),
    Facet("outcome", "outcome", "outcome", _("Outcome"), vocabulary="outcomes"),
    Facet("year", "year", "year", _("Year"), sort="value"),
)

FACETS_BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}
FACETS_BY_PARAM: dict[str, Facet] = {facet.param: facet for facet in FACETS}
