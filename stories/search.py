"""How a story becomes a document of the knowledge index (contract stub: helper S fills it)."""

from __future__ import annotations

from collections.abc import Iterable

from stories.models import StoryPage
from stories.vocabularies import RootCause

KIND = "story"


def story_queryset():
    return StoryPage.objects.live()


def story_to_document(page: StoryPage):
    return None


def root_cause_labels(keys: Iterable[str]) -> dict[str, str]:
    labels = dict(RootCause.choices)
    return {key: str(labels[key]) for key in keys if key in labels}
