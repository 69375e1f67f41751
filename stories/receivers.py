"""Keeps the story authors' and story reviewers' groups in step with the network, whatever
changed it (a saved workshop's receiver is `stories.workshops.receivers`).

Ambassadors are named on the NCP dashboard (`network.services`), ambassadors and editors in the
admin's member snippet, and memberships end by deactivation or deletion; the network does not
know about stories, so the stories area listens to saved members rather than being called from
each path.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from stories.permissions import (
    STORY_AUTHORS_GROUP,
    STORY_REVIEWERS_GROUP,
    ambassador_group_sync,
    editor_group_sync,
    may_author_stories,
    may_review_stories,
    story_authors_group,
    story_reviewers_group,
)


def member_saved(sender, instance, raw=False, **kwargs) -> None:
    """Put an active ambassador's account in the story authors' group and an active editor's
    in the story reviewers' group; take anyone else's out."""
    if raw:
        return
    if may_author_stories(instance):
        ambassador_group_sync(instance)
    if may_review_stories(instance):
        editor_group_sync(instance)
    # one DELETE, no query to find out first: most saved members were never either
    leaving = [
        name
        for name, stays in (
            (STORY_AUTHORS_GROUP, may_author_stories(instance)),
            (STORY_REVIEWERS_GROUP, may_review_stories(instance)),
        )
        if not stays
    ]
    if leaving:
        get_user_model().groups.through.objects.filter(
            user_id=instance.user_id, group__name__in=leaving
        ).delete()


def story_index_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A new stories area gives the story authors their "add" permission on it, and the
    story reviewers theirs."""
    if created and not raw:
        story_authors_group()
        story_reviewers_group()
