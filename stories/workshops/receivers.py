"""Gives a workshop's free places to its waiting list whenever the page is saved (connected in
`stories.apps`)."""

from __future__ import annotations

from stories.workshops.services import workshop_waiting_list_promote


def workshop_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A saved or published workshop gives its free places (a raised capacity) to the
    waiting list, under the same lock as registering."""
    if created or raw:
        return  # a new workshop has nobody waiting; fixtures load as they are
    workshop_waiting_list_promote(workshop=instance)
