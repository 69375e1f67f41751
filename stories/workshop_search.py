"""How a story workshop becomes a document of the knowledge index (contract stub: helper W)."""

from __future__ import annotations

from stories.models import WorkshopPage

KIND = "workshop"


def workshop_queryset():
    return WorkshopPage.objects.live()


def workshop_to_document(page: WorkshopPage):
    return None
