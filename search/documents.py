"""The knowledge index's document contract: what every piece of content becomes.

Every case, tool, story, workshop, member, group and PB process or project is turned into one
`SearchDocument` by its app (for example `cases/search.py`), so that one query searches and
facets across all kinds. Facet fields hold vocabulary keys (`"fi"`, `"health"`, `"sdg-3"`),
never display names: labels are looked up when results are shown.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field, fields

from django.db import models
from django.db.models import Count, OuterRef, Subquery


class Visibility:
    PUBLIC = "public"
    MEMBERS = "members"


@dataclass(frozen=True, kw_only=True)
class SearchDocument:
    # identity
    id: str  # "<kind>:<pk>", e.g. "case:42"
    kind: str
    url: str
    title: str
    summary: str = ""
    body: str = ""  # plain text, already stripped of markup
    image: str = ""  # URL of a small rendition, or ""
    date: datetime.date | None = None
    language: str = "en"
    # Reader languages for which another version of the same page is shown instead: its
    # translation in the reader's language, or (where the page has none) the original. A page
    # and its translations are one result, in the reader's language (`translations_hidden_for`).
    hidden_for: tuple[str, ...] = ()
    visibility: str = Visibility.PUBLIC
    # facets (vocabulary keys)
    countries: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    government_levels: tuple[str, ...] = ()
    innovation_types: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()
    outcome: str = ""  # story: success / slip-up / unfinished
    formats: tuple[str, ...] = ()  # tool: guide, toolkit, method, card deck, course, ...
    cost: str = ""  # tool: free / paid
    year: int | None = None
    # case
    status: str = ""  # ongoing / completed / discontinued
    experiment_outcomes: tuple[str, ...] = ()  # per success criterion: met, not-met, ...
    # tool
    purposes: tuple[str, ...] = ()  # insight finding, idea generation, prototyping, ...
    audiences: tuple[str, ...] = ()  # practitioner, manager, policy maker, facilitator
    skill_levels: tuple[str, ...] = ()
    time_needed: str = ""
    group_sizes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # languages the resource is available in (not `language`)
    openness: tuple[str, ...] = ()  # OPSI: reusable, remixable, editable source files
    # member and group
    roles: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()  # OPSI's six core skills
    looking_for: tuple[str, ...] = ()
    offering: tuple[str, ...] = ()
    organisation_types: tuple[str, ...] = ()
    # story
    root_causes: tuple[str, ...] = ()
    # PB project: the funded project's implementation status (planned, in_progress, ...)
    implementation_status: str = ""
    # links
    related: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.id.startswith(f"{self.kind}:"):
            raise ValueError(f"document id {self.id!r} must start with its kind {self.kind!r}")

    def to_dict(self) -> dict:
        """A JSON-ready dict (dates as ISO strings, tuples as lists)."""
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return {
            key: list(value) if isinstance(value, tuple) else value for key, value in data.items()
        }

    @classmethod
    def from_dict(cls, data: dict) -> SearchDocument:
        names = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in names}
        if values.get("date"):
            values["date"] = datetime.date.fromisoformat(values["date"][:10])
        for key, value in values.items():
            if isinstance(value, list):
                values[key] = tuple(value)
        return cls(**values)

    def facet_values(self, document_field: str) -> tuple[str, ...]:
        """The values this document holds for a facet field, always as a tuple of strings."""
        value = getattr(self, document_field)
        if value in (None, ""):
            return ()
        if isinstance(value, tuple):
            return value
        return (str(value),)


def vocabulary_keys(related) -> tuple[str, ...]:
    """The keys of a many-to-many of vocabulary terms, for a facet field. `.all()` so that
    prefetched terms are used; sorted so that documents compare equal across runs."""
    return tuple(sorted(term.key for term in related.all()))


def page_is_public(page) -> bool:
    """Is a live Wagtail page readable by everyone (no view restriction)? Pages from a kind's
    queryset carry `known_public`: no query per document on rebuilds."""
    return getattr(page, "known_public", False) or not page.get_view_restrictions().exists()


def with_translation_count(pages: models.QuerySet) -> models.QuerySet:
    """`pages` annotated with how many live versions (translations) each has, so that a
    rebuild asks nothing more for the many pages that exist in one language only."""
    from wagtail.models import Page

    versions = (
        Page.objects.filter(translation_key=OuterRef("translation_key"), live=True)
        .order_by()
        .values("translation_key")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return pages.annotate(live_versions=Subquery(versions, output_field=models.IntegerField()))


def translations_hidden_for(page) -> tuple[str, ...]:
    """The reader languages for which another version of `page` is the result to show.

    A reader finds a page once, in their language: a version in their language where one is
    live, else the original (the first version made). So the Finnish version of a story is
    hidden for English readers when the English one exists, and the English original is
    hidden for Finnish readers only.
    """
    from wagtail.models import Page

    from portal.languages import locale_language, site_languages

    if getattr(page, "live_versions", None) == 1:
        return ()
    versions = list(
        Page.objects.filter(translation_key=page.translation_key, live=True)
        .order_by("pk")
        .values_list("pk", "locale_id")
    )
    if len(versions) < 2:
        return ()
    languages = {locale_language(locale_id) for _pk, locale_id in versions}
    original = versions[0][0]
    own = locale_language(page.locale_id)
    return tuple(
        language
        for language in site_languages()
        if language != own and (language in languages or page.pk != original)
    )
