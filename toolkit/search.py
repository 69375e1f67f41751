"""How a toolkit resource becomes a document of the knowledge index."""

from __future__ import annotations

from django.db import models
from django.db.models import BooleanField, Value

from portal.languages import locale_language, page_url
from portal.rich_text import stream_text
from search.documents import (
    SearchDocument,
    page_is_public,
    translations_hidden_for,
    vocabulary_keys,
    with_translation_count,
)
from toolkit.models import ResourcePage

KIND = "tool"
FACET_RELATIONS = ("methods", "stages")


def resource_queryset() -> models.QuerySet:
    """Every resource the index should hold, with the facets a document needs."""
    return (
        with_translation_count(ResourcePage.objects.live().public())
        .annotate(known_public=Value(True, output_field=BooleanField()))
        .prefetch_related(*FACET_RELATIONS)
    )


def resource_to_document(page: ResourcePage) -> SearchDocument | None:
    """The search document of a resource, or None while it is a draft or restricted."""
    if not page.live or not page_is_public(page):
        return None
    return SearchDocument(
        id=f"{KIND}:{page.pk}",
        kind=KIND,
        url=page_url(page) or "",
        language=locale_language(page.locale_id) or "",
        hidden_for=translations_hidden_for(page),
        title=page.title,
        summary=page.summary,
        body=stream_text(page.body),
        date=page.first_published_at.date() if page.first_published_at else None,
        methods=vocabulary_keys(page.methods),
        stages=vocabulary_keys(page.stages),
        formats=(page.format,) if page.format else (),
        purposes=tuple(page.purposes or ()),
        audiences=tuple(page.audiences or ()),
        skill_levels=tuple(page.skill_levels or ()),
        time_needed=page.time_needed,
        group_sizes=tuple(page.group_sizes or ()),
        cost=page.cost,
        languages=tuple(page.languages or ()),
        openness=tuple(page.openness or ()),
        year=page.year,
    )
