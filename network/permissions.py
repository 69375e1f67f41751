"""Who may do what in the network: the one place for these rules. Every view asks here.

- An NCP manages the members of their own country only (`ncp_country(user)`).
- Editors and administrators (staff with `is_editor` or superusers) manage every country.
- A member edits their own profile.
"""

from __future__ import annotations

from wagtail.permission_policies import ModelPermissionPolicy

from network.models import Member, MemberStatus


def member_of(user) -> Member | None:
    """The signed-in, active account's member profile, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def is_network_editor(user) -> bool:
    """Editors and administrators manage members of every country."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    member = member_of(user)
    return bool(member and member.is_editor and member.status == MemberStatus.ACTIVE)


def ncp_country(user):
    """The country an active NCP manages, or None."""
    member = member_of(user)
    if member is None or member.status != MemberStatus.ACTIVE:
        return None
    return member.ncp_country if member.ncp_country_id else None


def is_active_member(user) -> bool:
    """Signed in with an approved membership: sees what members share with members."""
    member = member_of(user)
    return bool(member and member.status == MemberStatus.ACTIVE) or is_network_editor(user)


def member_can_manage(actor, member: Member) -> bool:
    """May `actor` approve, reject, deactivate or name `member` an ambassador?"""
    if member.status == MemberStatus.DELETED:
        return False
    if is_network_editor(actor):
        return True
    country = ncp_country(actor)
    return country is not None and member.country_id == country.pk


def member_can_edit(actor, member: Member) -> bool:
    """The owner, the NCP of the member's country, editors and administrators."""
    if member.status == MemberStatus.DELETED:
        return False
    if actor is not None and actor.is_authenticated and member.user_id == actor.pk:
        return True
    return member_can_manage(actor, member)


def member_can_see_private(actor, member: Member) -> bool:
    """Private fields: the owner, and those who manage the member."""
    return member_can_edit(actor, member)


def member_can_view(actor, member: Member) -> bool:
    """Profiles are public once active; before that only the owner and managers see them."""
    if member.status == MemberStatus.ACTIVE:
        return True
    return member_can_edit(actor, member)


def dashboard_countries(user):
    """The countries whose members `user` manages: None for all (editors), a list, or []."""
    if is_network_editor(user):
        return None
    country = ncp_country(user)
    return [country] if country else []


class AuditLogPermissionPolicy(ModelPermissionPolicy):
    """The audit log is append-only: whoever may see it (the model's view permission, which
    superusers have) can only read it. Nobody adds, edits or deletes an entry in the admin,
    superusers included; entries are written by `network.services` alone."""

    READ_ONLY_ACTIONS = {"view"}

    def user_has_permission(self, user, action):
        return action in self.READ_ONLY_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action in self.READ_ONLY_ACTIONS]
        )
