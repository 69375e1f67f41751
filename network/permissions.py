"""Who may do what in the network: the one place for these rules. Every view asks here.

- An NCP manages the members of their own country only (`ncp_country(user)`).
- Editors and administrators (staff with `is_editor` or superusers) manage every country.
- A member edits their own profile.
- Members-only content is read, and the network's content written, by active members only
  (`is_active_member`, `member_write_refusal`): pending, rejected, deactivated and deleted
  accounts read what visitors read and write nothing but their own profile.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

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
    """THE rule for members-only content, everywhere: signed in with an approved membership
    (or a network editor or administrator), so reads what members share with members and
    writes as a member.

    Pending, rejected, deactivated and deleted accounts are not: they read what visitors read,
    on pages, in search, listings, feeds, exports and e-mail alike. Search cannot import this
    app, so `network.apps` registers this function as the index's reader rule
    (`search.registry.register_members_reader`).
    """
    member = member_of(user)
    return bool(member and member.status == MemberStatus.ACTIVE) or is_network_editor(user)


# Why an account may not write as a member, by the status of its membership: each message
# says what the person can do about it.
_WRITE_REFUSALS = {
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


def member_write_refusal(user) -> str | None:
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


def active_member_require(user) -> None:
    """Raise PermissionDenied with the reason when `user` may not write as a member."""
    refusal = member_write_refusal(user)
    if refusal is not None:
        raise PermissionDenied(refusal)


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


def member_can_confirm_residence(actor, member: Member) -> bool:
    """May `actor` confirm the country and municipality `member` gave as their residence (what
    account voting in participatory budgets trusts)? The NCP of that country, editors and
    administrators: an NCP never confirms a residence in another country. (Organisers of a
    participatory budget confirm residents of its municipality: `budgeting.services`.)"""
    return member.status == MemberStatus.ACTIVE and member_can_manage(actor, member)


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
