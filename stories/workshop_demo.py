"""Demo story workshops (contract stub: helper W fills it)."""

from __future__ import annotations

from typing import TextIO

from stories.models import StoryIndexPage, WorkshopIndexPage


def workshops_ensure(
    index: StoryIndexPage, *, stdout: TextIO | None = None
) -> WorkshopIndexPage | None:
    """Create the workshops page under the stories index and the demo workshops, once."""
    return None
