"""Who may do what in a participatory budget: every predicate of the app, in one place.

Services ask here before every citizen's write and raise `PermissionDenied` with the reason;
pages ask the same functions before they offer a form, and show the reason instead.

- **Taking part** (proposing, supporting a proposal, which feeds the tie-break, commenting,
  volunteering for a funded project) is for the people the process lets vote with their account:
  the residents of the process's place: active members of the network (`network.permissions`)
  whose residence the NCP or an organiser confirmed there (`process_resident`). This
  holds whether the vote itself is cast with accounts, with voting codes or both: residents who
  vote on paper still propose and discuss online. Organisers also comment, to answer residents.
- **The team of a funded project** writes to its implementation: the champion and volunteers
  while their membership of the network is active, the civil servants and organisers by the
  organiser's appointment (they are staff, not members).
- **Organisers** (the process's organisers, staff, superusers) manage a process: its rule,
  phases, review, voting codes, residents, criteria and the implementations' appointments.
- **Voting** is for confirmed residents when the published rule lets accounts vote, and for
  holders of the process's voting codes when it issues codes (`voter_can_vote`).
- Taking back what one gave (a support, an offer to volunteer) stays open to everyone: it only
  removes the person's own contribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from budgeting.implementation.models import Implementation
from budgeting.processes.models import Process
from budgeting.processes.selectors import process_rule
from budgeting.voting.models import VotingCode
from network.models import Member, MemberStatus
from network.permissions import member_write_refusal
from portal.locale_names import country_name

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# the team roles held as a member of the network (the others are appointments)
MEMBER_ROLES = frozenset({"champion", "volunteer"})
# the roles that make up a funded project's team (volunteers help, they are not the team)
TEAM_ROLES = frozenset({"champion", "servant", "organiser"})


def process_can_manage(*, process: Process, user: User | AnonymousUser | None) -> bool:
    """Organisers of the process, staff and superusers may manage it (review, phases, codes)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return process.organisers.filter(pk=user.pk).exists()


def process_manage_require(*, process: Process, user: User | AnonymousUser) -> None:
    """Raise PermissionDenied unless `user` may manage `process` (`process_can_manage`)."""
    if not process_can_manage(process=process, user=user):
        raise PermissionDenied(_("Only the organisers of this process can do that."))


def process_resident(*, process: Process, user: User | AnonymousUser) -> bool:
    """Is this signed-in user a resident of `process`'s place, as the network confirmed it?

    THE place where "membership in the municipality" is decided: the account needs an active
    network profile (approved by its country's NCP) whose *confirmed* residence (set when the
    NCP approved the membership, or confirmed later by the NCP or an organiser; never what the
    member typed) is in the process's country and, when the process names a municipality, in
    that municipality (compared without case or surrounding spaces). The process's side is the
    published rule once voting has opened.
    """
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    member = (
        Member.objects.filter(user=user, status=MemberStatus.ACTIVE)
        .select_related("residence_country")
        .first()
    )
    if member is None or member.residence_confirmed_at is None:
        return False
    rule = process_rule(process)
    if rule.country and (
        member.residence_country is None or member.residence_country.key != rule.country
    ):
        return False
    if rule.municipality:
        confirmed = member.residence_municipality.strip().casefold()
        return confirmed == rule.municipality.casefold()
    return True


def participation_refusal(*, process: Process, user: User | AnonymousUser) -> str | None:
    """Why `user` may not take part in `process` with their account (propose, support,
    comment, volunteer), or None when they may. THE participation rule of the app."""
    refusal = member_write_refusal(user)
    if refusal is not None:
        return refusal
    if process_resident(process=process, user=user):
        return None
    rule = process_rule(process)
    place = rule.municipality.strip() or (country_name(rule.country) if rule.country else "")
    if place:
        return _(
            "Taking part in this process is for residents of %(place)s: members whose residence "
            "there your national contact point or the organisers have confirmed."
        ) % {"place": place}
    return _("Your account may not take part in this process.")


def participation_require(*, process: Process, user: User | AnonymousUser) -> None:
    """Raise PermissionDenied with the reason when `user` may not take part in `process`."""
    refusal = participation_refusal(process=process, user=user)
    if refusal is not None:
        raise PermissionDenied(refusal)


def comment_refusal(*, process: Process, user: User | AnonymousUser) -> str | None:
    """Why `user` may not comment in `process`, or None: those who take part, and organisers."""
    if process_can_manage(process=process, user=user):
        return None
    return participation_refusal(process=process, user=user)


def voter_eligible(*, process: Process, user: User | AnonymousUser) -> bool:
    """May this signed-in user vote in `process` with their account? A confirmed resident
    (`process_resident`) of a process whose published rule lets accounts vote. Voting codes are
    checked separately (`voting_code_find`)."""
    return process_rule(process).eligibility_accounts and process_resident(
        process=process, user=user
    )


def voter_can_vote(*, process: Process, voter=None, voting_code: VotingCode | None = None) -> bool:
    """May this person cast a ballot in `process`: an eligible account, an account holding a
    code it claimed, or a code of the process that no other account has claimed (the channels
    of `voting_services.ballot_submit`)."""
    signed_in = voter is not None and getattr(voter, "is_authenticated", False)
    if signed_in and voter_eligible(process=process, user=voter):
        return True
    if not process_rule(process).eligibility_codes:
        return False
    if signed_in and VotingCode.objects.filter(process=process, claimed_by=voter).exists():
        return True
    if voting_code is None or voting_code.process_id != process.pk:
        return False
    if voting_code.claimed_by_id is None:
        return True
    return signed_in and voting_code.claimed_by_id == voter.pk


def implementation_roles(*, implementation: Implementation, user: User | AnonymousUser) -> set[str]:
    """What `user` is in this implementation: champion, servant, volunteer, organiser."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return set()
    roles = set()
    if implementation.champion_id == user.pk:
        roles.add("champion")
    if implementation.civil_servants.filter(pk=user.pk).exists():
        roles.add("servant")
    if implementation.volunteers.filter(pk=user.pk).exists():
        roles.add("volunteer")
    if process_can_manage(process=implementation.project.process, user=user):
        roles.add("organiser")
    return roles


def implementation_acting_roles(
    *, implementation: Implementation, user: User | AnonymousUser
) -> set[str]:
    """The roles `user` may act in on `implementation`: their roles, less those held as a
    member of the network (champion, volunteer) while their membership is not active."""
    return _acting(implementation_roles(implementation=implementation, user=user), user)


def _acting(roles: set[str], user: User | AnonymousUser) -> set[str]:
    if roles & MEMBER_ROLES and member_write_refusal(user) is not None:
        return roles - MEMBER_ROLES
    return roles


def implementation_role_require(
    *,
    implementation: Implementation,
    user: User | AnonymousUser,
    allowed: set[str] | frozenset[str],
) -> set[str]:
    """The roles `user` acts in, among `allowed`; PermissionDenied with the reason otherwise
    (the membership's status, when that is what stands in the way)."""
    roles = implementation_roles(implementation=implementation, user=user)
    acting = _acting(roles, user)
    if not acting & allowed:
        if roles & allowed & MEMBER_ROLES:
            raise PermissionDenied(member_write_refusal(user))
        raise PermissionDenied(_("Only the project's team can do that."))
    return acting


@dataclass(frozen=True)
class ImplementationAbilities:
    """What one user may do on one implementation's page. A champion or volunteer whose
    membership is not active holds the role but acts in it no longer (`roles_on_hold`): the
    page says why instead of offering the forms."""

    roles: frozenset[str]
    acting: frozenset[str]
    closed: bool  # the bonus is decided: nothing that decided it changes any more

    @property
    def roles_on_hold(self) -> bool:
        return bool(self.roles - self.acting)

    @property
    def can_manage(self) -> bool:
        return "organiser" in self.acting

    @property
    def is_team(self) -> bool:
        return bool(self.acting & TEAM_ROLES)

    @property
    def can_post(self) -> bool:
        return bool(self.acting & (TEAM_ROLES | {"volunteer"}))

    @property
    def can_sign(self) -> bool:
        return bool(self.acting & {"champion", "servant"}) and not self.closed

    @property
    def can_verify(self) -> bool:
        return bool(self.acting & {"servant", "organiser"}) and not self.closed


def implementation_abilities(
    *, implementation: Implementation, user: User | AnonymousUser
) -> ImplementationAbilities:
    """What `user` may do on `implementation`'s page (the services check each write again)."""
    roles = implementation_roles(implementation=implementation, user=user)
    return ImplementationAbilities(
        roles=frozenset(roles),
        acting=frozenset(_acting(roles, user)),
        closed=implementation.closed_at is not None,
    )
