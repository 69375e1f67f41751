"""Keeps the story authors' group in step with the network, whatever changed it.

Ambassadors are named on the NCP dashboard (`network.services`) and in the admin's member
snippet, and memberships end by deactivation or deletion; the network does not know about
stories, so the stories area listens to saved members rather than being called from each path.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from stories.permissions import (
    STORY_AUTHORS_GROUP,
    ambassador_group_sync,
    may_author_stories,
    story_authors_group,
)


def member_saved(sender, instance, raw=False, **kwargs) -> None:
    """Put an active ambassador's account in the story authors' group, anyone else's out."""
    if raw:
        return
    if instance.is_ambassador and may_author_stories(instance):
        ambassador_group_sync(instance)
        return
    # one DELETE, no query to find out first: most saved members were never authors
    get_user_model().groups.through.objects.filter(
        user_id=instance.user_id, group__name=STORY_AUTHORS_GROUP
    ).delete()


def story_index_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A new stories area gives the story authors their "add" permission on it."""
    if created and not raw:
        story_authors_group()
