"""How a story becomes a document of the knowledge index.

The document is the only copy of a story that search pages, the search API, suggestions and
"related content" boxes read. An anonymised story's document holds nothing that names its
author: the author's name goes into the body only for named stories (so that search finds
them by it), through `StoryPage.shown_author`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import BooleanField, Prefetch, Value

from portal.languages import page_text_language, page_url
from portal.rich_text import plain_text, stream_text
from search.documents import (
    SearchDocument,
    Visibility,
    page_is_public,
    translations_hidden_for,
    vocabulary_keys,
    with_translation_count,
)
from stories.models import StoryPage
from stories.vocabularies import RootCause

KIND = "story"
# the kinds of the pages a story links to, as their apps register them
CASE_KIND = "case"
TOOL_KIND = "tool"
WORKSHOP_KIND = "workshop"
PB_PROCESS_KIND = "pb_process"


def story_queryset() -> models.QuerySet:
    """Every story the index should hold, with what a document needs."""
    return (
        with_translation_count(StoryPage.objects.live().public())
        .annotate(known_public=Value(True, output_field=BooleanField()))
        .select_related("author", "country")
        .prefetch_related(
            "themes",
            "methods",
            Prefetch("case_links", to_attr="case_link_list"),
            Prefetch("tool_links", to_attr="tool_link_list"),
            Prefetch("processes", to_attr="process_list"),
        )
    )


def story_to_document(page: StoryPage) -> SearchDocument | None:
    """The search document of a story, or None while it is a draft or restricted."""
    if not page.live or not page_is_public(page):
        return None
    narrative = " ".join(getattr(page, name) or "" for name in _narrative_fields())
    parts = [plain_text(narrative), stream_text(page.body), page.municipality]
    author = page.shown_author
    if author is not None:
        parts.append(author.public_name)
    date = page.first_published_at.date() if page.first_published_at else None
    year = page.started_on.year if page.started_on else None
    return SearchDocument(
        id=f"{KIND}:{page.pk}",
        kind=KIND,
        url=page_url(page) or "",
        # a member's story is in the language they wrote it in, wherever it was placed
        language=page_text_language(page) or "",
        hidden_for=translations_hidden_for(page),
        title=page.title,
        summary=page.summary,
        body=" ".join(part for part in parts if part and part.strip()),
        date=date,
        visibility=Visibility.MEMBERS if page.members_only else Visibility.PUBLIC,
        countries=(page.country.key,) if page.country_id else (),
        themes=vocabulary_keys(page.themes),
        methods=vocabulary_keys(page.methods),
        outcome=page.kind,
        root_causes=tuple(page.root_causes or ()),
        year=year,
        related=story_related_ids(page),
    )


def story_related_ids(page: StoryPage) -> tuple[str, ...]:
    """The documents a story links to: its workshop, cases, tools and PB processes."""
    ids = [f"{WORKSHOP_KIND}:{page.workshop_id}"] if page.workshop_id else []
    ids += [f"{CASE_KIND}:{link.case_id}" for link in _linked(page, "case_links", "case_link_list")]
    ids += [f"{TOOL_KIND}:{link.tool_id}" for link in _linked(page, "tool_links", "tool_link_list")]
    ids += [
        f"{PB_PROCESS_KIND}:{process.pk}" for process in _linked(page, "processes", "process_list")
    ]
    return tuple(dict.fromkeys(ids))


def root_cause_labels(keys: Iterable[str]) -> dict[str, str]:
    labels = dict(RootCause.choices)
    return {key: str(labels[key]) for key in keys if key in labels}


def _linked(page: StoryPage, relation: str, prefetched: str) -> list:
    found = getattr(page, prefetched, None)
    return list(getattr(page, relation).all()) if found is None else found


def _narrative_fields() -> tuple[str, ...]:
    from stories.models.stories import NARRATIVE_SECTIONS

    return tuple(name for name, _heading in NARRATIVE_SECTIONS)
