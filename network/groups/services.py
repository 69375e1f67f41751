"""Writes of the network's groups: creating, joining and leaving a group, facilitators'
decisions on requests, and invitations by e-mail.

Each service checks permissions itself (`network.permissions`; views check too, to answer
early) and runs in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from network import permissions
from network.groups.models import (
    Group,
    GroupMembership,
    GroupPolicy,
    GroupRole,
    Invitation,
    MembershipStatus,
)
from network.mail import notice_send
from portal.rich_text import sanitise_html

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

INVITATION_LIFETIME = datetime.timedelta(days=7)


class InvitationInvalid(Exception):
    """The invitation token is unknown, used or expired; the message says which."""


@transaction.atomic
def group_create(
    *,
    actor: User,
    name: str,
    description: str = "",
    written_in: str = "",
    policy: str = GroupPolicy.OPEN,
    themes=(),
) -> Group:
    """Create a group; its creator is its first facilitator. `written_in` is the language of
    its name and description (a code of `settings.LANGUAGES`, or "" for not said)."""
    permissions.active_member_require(actor)
    if not permissions.group_can_create(actor):
        raise PermissionDenied(_("Only active members can create groups."))
    base = slugify(name)[:150] or "group"
    slug, n = base, 1
    while Group.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    group = Group(
        name=name.strip(),
        slug=slug,
        description=sanitise_html(description),
        written_in=written_in,
        policy=policy,
    )
    group.full_clean()
    group.save()
    group.themes.set(themes)
    GroupMembership.objects.create(
        group=group, member=actor.member, role=GroupRole.FACILITATOR, status=MembershipStatus.ACTIVE
    )
    return group


@transaction.atomic
def group_join(*, actor: User, group: Group) -> GroupMembership:
    """Join an open group, or ask to join a group by request; invitation-only groups refuse."""
    permissions.active_member_require(actor)
    if permissions.member_of(actor) is None:
        raise PermissionDenied(_("Only active members can join groups."))
    existing = GroupMembership.objects.filter(group=group, member=actor.member).first()
    if existing is not None:
        return existing
    if group.policy == GroupPolicy.INVITATION:
        raise PermissionDenied(_("This group is by invitation only."))
    status = (
        MembershipStatus.ACTIVE if group.policy == GroupPolicy.OPEN else MembershipStatus.REQUESTED
    )
    return GroupMembership.objects.create(group=group, member=actor.member, status=status)


@transaction.atomic
def group_leave(*, actor: User, group: Group) -> None:
    """Leave a group (or take back a request). Open whatever the membership's status: it only
    takes the account's own data out, like deleting the account."""
    GroupMembership.objects.filter(group=group, member__user=actor).delete()


@transaction.atomic
def group_request_decide(
    *, actor: User | AnonymousUser, membership: GroupMembership, accept: bool
) -> None:
    """A facilitator accepts or declines a request to join."""
    permissions.active_member_require(actor)
    if not permissions.group_is_facilitator(actor, membership.group):
        raise PermissionDenied(_("Only the group's facilitators decide on requests."))
    if membership.status != MembershipStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    if accept:
        membership.status = MembershipStatus.ACTIVE
        membership.save(update_fields=["status"])
    else:
        membership.delete()


@transaction.atomic
def group_facilitator_set(
    *, actor: User | AnonymousUser, membership: GroupMembership, facilitator: bool
) -> None:
    permissions.active_member_require(actor)
    if not permissions.group_is_facilitator(actor, membership.group):
        raise PermissionDenied(_("Only the group's facilitators change roles."))
    membership.role = GroupRole.FACILITATOR if facilitator else GroupRole.MEMBER
    membership.save(update_fields=["role"])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(*, actor: User, group: Group, email: str, base_url: str = "") -> str:
    """Invite someone by e-mail; returns the token (only its hash is stored).

    Group members may invite; in invitation-only groups only facilitators may. Either needs
    an active membership of the network."""
    permissions.active_member_require(actor)
    is_facilitator = permissions.group_is_facilitator(actor, group)
    if not (is_facilitator or permissions.group_is_member(actor, group)):
        raise PermissionDenied(_("Only members of the group can invite."))
    if group.policy == GroupPolicy.INVITATION and not is_facilitator:
        raise PermissionDenied(_("Only facilitators invite to this group."))
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        group=group,
        email=email.strip().lower(),
        token_hash=_token_hash(token),
        invited_by=actor.member,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    link = base_url + reverse("network:invitation", args=[token])
    notice_send(
        to=email,
        subject=_("An invitation to the group %(group)s") % {"group": group.name},
        message=_(
            "%(name)s invites you to the group “%(group)s” of the Kokeilu network.\n\n"
            "Accept within 7 days: %(link)s\n\nThe link works once."
        )
        % {"name": actor.member.display_name, "group": group.name, "link": link},
    )
    return token


def invitation_find(token: str) -> Invitation:
    """The usable invitation of a token; InvitationInvalid says why it is not usable."""
    invitation = (
        Invitation.objects.select_related("group").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None:
        raise InvitationInvalid(_("This invitation link is not valid."))
    if invitation.used_at is not None:
        raise InvitationInvalid(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(_("This invitation has expired. Ask for a new one."))
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, token: str) -> GroupMembership:
    """Use an invitation: the signed-in active member joins the group. Works once."""
    permissions.active_member_require(actor)
    if not permissions.invitation_can_accept(actor):
        raise PermissionDenied(_("Only active members can accept invitations."))
    invitation = invitation_find(token)
    # lock the row so that two simultaneous uses cannot both succeed
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:
        raise InvitationInvalid(_("This invitation has already been used."))
    invitation.used_at = timezone.now()
    invitation.used_by = actor.member
    invitation.save(update_fields=["used_at", "used_by"])
    membership, created = GroupMembership.objects.get_or_create(
        group=invitation.group, member=actor.member, defaults={"status": MembershipStatus.ACTIVE}
    )
    if not created and membership.status != MembershipStatus.ACTIVE:
        membership.status = MembershipStatus.ACTIVE
        membership.save(update_fields=["status"])
    return membership
