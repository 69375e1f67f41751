"""How a case study becomes a document of the knowledge index."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import BooleanField, Value

from cases.models import CasePage
from portal.rich_text import stream_text
from search.documents import SearchDocument

KIND = "case"
FACET_RELATIONS = ("countries", "themes", "methods", "stages")


def case_queryset() -> models.QuerySet:
    """Every case study the index should hold, with the facets a document needs."""
    return (
        CasePage.objects.live()
        .public()
        .annotate(known_public=Value(True, output_field=BooleanField()))
        .prefetch_related(*FACET_RELATIONS)
    )


def case_to_document(page: CasePage) -> SearchDocument | None:
    """The search document of a case study, or None while it is a draft or restricted."""
    if not page.live or not _is_public(page):
        return None
    if page.first_published_at:
        date = page.first_published_at.date()
    elif page.year_launched:
        date = datetime.date(page.year_launched, 1, 1)
    else:
        date = None
    return SearchDocument(
        id=f"{KIND}:{page.pk}",
        kind=KIND,
        url=page.get_url() or "",
        title=page.title,
        summary=page.summary,
        body=stream_text(page.body),
        date=date,
        countries=_keys(page.countries),
        themes=_keys(page.themes),
        methods=_keys(page.methods),
        stages=_keys(page.stages),
        year=page.year_launched,
    )


def _keys(related) -> tuple[str, ...]:
    # .all() so that prefetched terms are used; sorted so documents compare equal across runs
    return tuple(sorted(term.key for term in related.all()))


def _is_public(page) -> bool:
    # pages from the kind's queryset are known to be public: no query per document on rebuilds
    return getattr(page, "known_public", False) or not page.get_view_restrictions().exists()
