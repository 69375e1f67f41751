"""Reads of the network's groups: who is in a group, and who asks to be."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from network.groups.models import Group, GroupMembership, MembershipStatus
from network.models import MemberStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@dataclass
class GroupView:
    group: Group
    members: list[GroupMembership] = field(default_factory=list)
    requests: list[GroupMembership] = field(default_factory=list)


def group_members(group: Group) -> GroupView:
    """The group's active members (facilitators first) and the requests to join it."""
    memberships = list(
        group.memberships.select_related("member")
        .filter(member__status=MemberStatus.ACTIVE)
        .order_by("-role", "member__display_name")
    )
    return GroupView(
        group=group,
        members=[m for m in memberships if m.status == MembershipStatus.ACTIVE],
        requests=[m for m in memberships if m.status == MembershipStatus.REQUESTED],
    )


def group_membership_of(group: Group, user: User | AnonymousUser) -> GroupMembership | None:
    """The signed-in account's place in `group` (active or asked for), or None."""
    if not user.is_authenticated:
        return None
    return GroupMembership.objects.filter(group=group, member__user=user).first()
