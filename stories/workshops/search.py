"""How a story workshop becomes a document of the knowledge index.

Only what the public page shows goes in: never the online link or who registered.
"""

from __future__ import annotations

from django.db import models
from django.db.models import BooleanField, Prefetch, Value

from portal.languages import locale_language, page_url
from portal.rich_text import plain_text
from search.documents import (
    SearchDocument,
    page_is_public,
    translations_hidden_for,
    with_translation_count,
)
from stories.models import StoryPage
from stories.workshops.models import WorkshopPage
from stories.workshops.selectors import workshop_event

KIND = "workshop"


def workshop_queryset() -> models.QuerySet:
    """Every workshop the index should hold, with what its document needs."""
    return (
        with_translation_count(WorkshopPage.objects.live().public())
        .annotate(known_public=Value(True, output_field=BooleanField()))
        .select_related("country")
        .prefetch_related(
            "themes",
            Prefetch(
                "stories",
                queryset=StoryPage.objects.live().only("pk", "workshop_id"),
                to_attr="live_stories",
            ),
        )
    )


def workshop_to_document(page: WorkshopPage) -> SearchDocument | None:
    """The search document of a workshop, or None while it is a draft or restricted.

    Its date is the day it starts (in its own time zone), as the event has it in every
    language (`workshop_event`: the original's); `related` lists the stories told there
    (`story:<id>`), so that a story and its workshop find each other.
    """
    if not page.live or not page_is_public(page):
        return None
    place = ", ".join(part for part in (page.venue, page.address) if part)
    body = " ".join(
        part
        for part in (
            place,
            plain_text(page.agenda or ""),
            " ".join(str(prompt) for prompt in page.prompts or ()),
        )
        if part
    )
    return SearchDocument(
        id=f"{KIND}:{page.pk}",
        kind=KIND,
        url=page_url(page) or "",
        language=locale_language(page.locale_id) or "",
        hidden_for=translations_hidden_for(page),
        title=page.title,
        summary=page.summary or place,
        body=body,
        date=workshop_event(page).local_starts_at.date(),
        countries=(page.country.key,) if page.country_id else (),
        themes=tuple(sorted(theme.key for theme in page.themes.all())),
        related=tuple(f"story:{story.pk}" for story in _stories(page)),
    )


def _stories(page: WorkshopPage):
    if hasattr(page, "live_stories"):
        return page.live_stories
    return page.stories.live().only("pk")
