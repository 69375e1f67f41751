"""Courage to Experiment: stories (successes, slip-ups, unfinished ones) and story workshops."""

from stories.models.stories import StoryCase, StoryIndexPage, StoryPage, StoryTool
from stories.workshops.models import (
    StoryDraft,
    WorkshopIndexPage,
    WorkshopPage,
    WorkshopRegistration,
)

__all__ = [
    "StoryDraft",
    "StoryIndexPage",
    "StoryCase",
    "StoryPage",
    "StoryTool",
    "WorkshopIndexPage",
    "WorkshopPage",
    "WorkshopRegistration",
]
