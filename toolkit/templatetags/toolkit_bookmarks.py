"""Template tags for members' saved resources, so that the network's profile page can show
them with one include and no change to its view."""

from __future__ import annotations

from django import template

from toolkit.selectors import member_bookmarks

register = template.Library()


@register.simple_tag(takes_context=True)
def member_saved_resources(context, member) -> list:
    """The resources `member` saved or marked used, for the member themself only (who saved
    what is private); an empty list for anybody else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if member is None or user is None or not user.is_authenticated:
        return []
    if member.user_id != user.pk:
        return []
    return member_bookmarks(member=member)
