"""Who may do what in the network: the one place for these rules. Every view asks here.

- An NCP manages the members of their own country only (`ncp_country(user)`).
- Editors and administrators (staff with `is_editor` or superusers) manage every country.
- A member edits their own profile.
- A group's facilitators (active members) and editors decide on requests and change roles;
  its members invite, except to an invitation-only group, where only facilitators do.
- Members-only content is read, and the network's content written, by active members only
  (`is_active_member`, `member_write_refusal`): pending, rejected, deactivated and deleted
  accounts read what visitors read and write nothing but their own profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeGuard

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wagtail.permission_policies import ModelPermissionPolicy

from network.groups.models import (
    Group,
    GroupMembership,
    GroupPolicy,
    GroupRole,
    MembershipStatus,
)
from network.models import Member, MemberStatus
from portal.models.taxonomy import Country

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def member_of(user: User | AnonymousUser | None) -> Member | None:
    """The signed-in, active account's member profile, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def is_network_editor(user: User | AnonymousUser | None) -> bool:
    """Editors and administrators manage members of every country."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    member = member_of(user)
    return bool(member and member.is_editor and member.status == MemberStatus.ACTIVE)


def ncp_country(user: User | AnonymousUser):
    """The country an active NCP manages, or None."""
    member = member_of(user)
    if member is None or member.status != MemberStatus.ACTIVE:
        return None
    return member.ncp_country if member.ncp_country_id else None


def is_active_member(user: User | AnonymousUser | None) -> TypeGuard[User]:
    """THE rule for members-only content, everywhere: signed in with an approved membership
    (or a network editor or administrator), so reads what members share with members and
    writes as a member.

    Pending, rejected, deactivated and deleted accounts are not: they read what visitors read,
    on pages, in search, listings, feeds, exports and e-mail alike. Search cannot import this
    app, so `network.apps` registers this function as the index's reader rule
    (`search.registry.register_members_reader`).
    """
    # True only for a signed-in account (`member_of`, `is_network_editor`): the TypeGuard lets
    # callers use `user` as a `User` once this holds.
    member = member_of(user)
    return bool(member and member.status == MemberStatus.ACTIVE) or is_network_editor(user)


# Why an account may not write as a member, by the status of its membership: each message
# says what the person can do about it.
_WRITE_REFUSALS: dict[str | None, Promise] = {
    None: _(
        "This is open to active members of the network. Join the network, and once your "
        "national contact point has approved your membership you can take part."
    ),
    MemberStatus.PENDING: _(
        "Your membership is waiting for approval by your national contact point. You can take "
        "part once it is approved; until then you can read what visitors read."
    ),
    MemberStatus.REJECTED: _(
        "Your request to join the network was not approved, so you cannot take part. Contact "
        "your national contact point if you think this is a mistake."
    ),
    MemberStatus.DEACTIVATED: _(
        "Your membership has been deactivated by your national contact point, so you cannot "
        "take part any more. Contact them to have it reactivated."
    ),
    MemberStatus.DELETED: _("This account has been deleted."),
}


def member_write_refusal(user: User | AnonymousUser | None) -> str | None:
    """Why `user` may not write as a member (propose, comment, support, share, register,
    join, invite, save...), or None when they may: THE rule for every write of a member,
    asked by each service and by each page before it offers a form.

    Writing needs what reading members-only content needs (`is_active_member`). A member's own
    profile, data export and account deletion stay open whatever the status: they are about
    the account itself, not the network's content.
    """
    if user is None or not user.is_authenticated:
        return str(_("Sign in as a member of the network to do this."))
    if is_active_member(user):
        return None
    member = member_of(user)
    return str(_WRITE_REFUSALS[member.status if member is not None else None])


def active_member_require(user: User | AnonymousUser) -> None:
    """Raise PermissionDenied with the reason when `user` may not write as a member."""
    refusal = member_write_refusal(user)
    if refusal is not None:
        raise PermissionDenied(refusal)


def member_can_manage(actor: User | AnonymousUser, member: Member) -> bool:
    """May `actor` approve, reject, deactivate or name `member` an ambassador?"""
    if member.status == MemberStatus.DELETED:
        return False
    if is_network_editor(actor):
        return True
    country = ncp_country(actor)
    return country is not None and member.country_id == country.pk


def member_can_decide(actor: User | AnonymousUser, member: Member) -> bool:
    """May `actor` approve or reject `member`'s request to join now: a manager of the member's
    country, while the request waits (what the profile page offers to an NCP)."""
    return member.status == MemberStatus.PENDING and member_can_manage(actor, member)


def member_deactivate_refusal(actor: User | AnonymousUser, member: Member) -> str | None:
    """Why `actor` may not deactivate `member`, or None when they may: only a manager of the
    member's country, never their own membership (another manager must), never an
    administrator's account (administrators are managed in the admin)."""
    if not member_can_manage(actor, member):
        return str(_("You do not manage members of this country."))
    if member.user_id == actor.pk:
        return str(
            _(
                "You cannot deactivate your own membership: another national contact point "
                "or an editor can."
            )
        )
    if member.user.is_superuser:
        return str(_("Administrators' accounts are managed in the admin, not here."))
    return None


def member_can_edit(actor: User | AnonymousUser, member: Member) -> bool:
    """The owner, the NCP of the member's country, editors and administrators."""
    if member.status == MemberStatus.DELETED:
        return False
    if actor is not None and actor.is_authenticated and member.user_id == actor.pk:
        return True
    return member_can_manage(actor, member)


def member_can_change_country(actor: User | AnonymousUser, member: Member) -> bool:
    """Moving a member to another country: the member themself, editors and administrators.
    An NCP cannot move a member out of their own country (and so out of their reach)."""
    if actor is not None and actor.is_authenticated and member.user_id == actor.pk:
        return True
    return is_network_editor(actor)


def member_can_confirm_residence(actor: User | AnonymousUser, member: Member) -> bool:
    """May `actor` confirm the country and municipality `member` gave as their residence (what
    account voting in participatory budgets trusts)? The NCP of that country, editors and
    administrators: an NCP never confirms a residence in another country. (Organisers of a
    participatory budget confirm residents of its municipality: `budgeting.voting.services`.)"""
    return member.status == MemberStatus.ACTIVE and member_can_manage(actor, member)


def member_can_see_private(actor: User | AnonymousUser, member: Member) -> bool:
    """Private fields: the owner, and those who manage the member."""
    return member_can_edit(actor, member)


def member_can_view(actor: User | AnonymousUser, member: Member) -> bool:
    """Profiles are public once active; before that only the owner and managers see them."""
    if member.status == MemberStatus.ACTIVE:
        return True
    return member_can_edit(actor, member)


@dataclass(frozen=True)
class ManagedCountries:
    """The countries whose members someone manages: every country (editors and
    administrators), the listed ones (an NCP's own), or none at all."""

    every_country: bool = False
    countries: tuple[Country, ...] = ()

    @property
    def manages_any(self) -> bool:
        """Does this reach any member: the NCP dashboard and the audit log are theirs."""
        return self.every_country or bool(self.countries)


def managed_countries(user: User | AnonymousUser) -> ManagedCountries:
    """The countries whose members `user` manages (the NCP dashboard's scope)."""
    if is_network_editor(user):
        return ManagedCountries(every_country=True)
    country = ncp_country(user)
    return ManagedCountries(countries=(country,) if country else ())


def group_is_facilitator(actor: User | AnonymousUser, group: Group) -> bool:
    """Does `actor` act as a facilitator of `group`: a network editor, or an active member
    facilitating it (a deactivated facilitator no longer decides or invites)?"""
    if is_network_editor(actor):
        return True
    return (
        is_active_member(actor)
        and GroupMembership.objects.filter(
            group=group,
            member__user=actor,
            role=GroupRole.FACILITATOR,
            status=MembershipStatus.ACTIVE,
        ).exists()
    )


def group_is_member(actor: User | AnonymousUser, group: Group) -> bool:
    """Does `actor` act as a member of `group`: an active member whose place in it is active?"""
    return (
        is_active_member(actor)
        and GroupMembership.objects.filter(
            group=group, member__user=actor, status=MembershipStatus.ACTIVE
        ).exists()
    )


def group_can_invite(actor: User | AnonymousUser, group: Group) -> bool:
    """Members of a group invite to it; to an invitation-only group, only its facilitators."""
    if group_is_facilitator(actor, group):
        return True
    return group.policy != GroupPolicy.INVITATION and group_is_member(actor, group)


def group_can_join(
    actor: User | AnonymousUser, group: Group, *, membership: GroupMembership | None
) -> bool:
    """May `actor` (whose place in `group` is `membership`, or None) join it or ask to: an
    active member with a profile, not in it yet, and the group is not invitation-only."""
    return (
        membership is None
        and group.policy != GroupPolicy.INVITATION
        and is_active_member(actor)
        and member_of(actor) is not None
    )


def group_can_create(actor: User | AnonymousUser) -> bool:
    """Active members with a profile create groups."""
    return is_active_member(actor) and member_of(actor) is not None


def invitation_can_accept(actor: User | AnonymousUser) -> bool:
    """Active members with a profile accept an invitation to a group (whoever it was sent to:
    the link is the proof)."""
    return is_active_member(actor) and member_of(actor) is not None


@dataclass(frozen=True)
class GroupRights:
    """What a visitor may do on a group's page, asked once per page (one facilitator query)
    and derived from the predicates above."""

    is_facilitator: bool
    can_invite: bool
    can_join: bool


def group_rights(
    actor: User | AnonymousUser, group: Group, *, membership: GroupMembership | None
) -> GroupRights:
    """The visitor's rights on `group`, given their place in it (or None)."""
    is_facilitator = actor.is_authenticated and group_is_facilitator(actor, group)
    return GroupRights(
        is_facilitator=is_facilitator,
        # what `group_can_invite` says, without asking for the facilitators twice
        can_invite=is_facilitator
        or (group.policy != GroupPolicy.INVITATION and group_is_member(actor, group)),
        can_join=group_can_join(actor, group, membership=membership),
    )


class AuditLogPermissionPolicy(ModelPermissionPolicy):
    """The audit log is append-only: whoever may see it (the model's view permission, which
    superusers have) can only read it. Nobody adds, edits or deletes an entry in the admin,
    superusers included; entries are written by `network.services` alone."""

    READ_ONLY_ACTIONS = {"view"}

    def user_has_permission(self, user: User | AnonymousUser, action):
        return action in self.READ_ONLY_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action in self.READ_ONLY_ACTIONS]
        )
