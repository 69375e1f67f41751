"""Courage to Experiment: stories (successes, slip-ups, unfinished ones) and story workshops."""

from stories.models.stories import StoryIndexPage, StoryPage
from stories.models.workshops import (
    StoryDraft,
    WorkshopIndexPage,
    WorkshopPage,
    WorkshopRegistration,
)

__all__ = [
    "StoryDraft",
    "StoryIndexPage",
    "StoryPage",
    "WorkshopIndexPage",
    "WorkshopPage",
    "WorkshopRegistration",
]
