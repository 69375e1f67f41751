"""Who may take part in a participatory budget: the one place for the participation rule.

Services ask here before every citizen's write and raise `PermissionDenied` with the reason;
pages ask the same functions before they offer a form, and show the reason instead.

- **Taking part** (proposing, supporting a proposal, which feeds the tie-break, commenting,
  volunteering for a funded project) is for the people the process lets vote with their account:
  the residents of the process's place: active members of the network (`network.permissions`)
  whose residence the NCP or an organiser confirmed there (`selectors.process_resident`). This
  holds whether the vote itself is cast with accounts, with voting codes or both: residents who
  vote on paper still propose and discuss online. Organisers also comment, to answer residents.
- **The team of a funded project** writes to its implementation: the champion and volunteers
  while their membership of the network is active, the civil servants and organisers by the
  organiser's appointment (they are staff, not members).
- Taking back what one gave (a support, an offer to volunteer) stays open to everyone: it only
  removes the person's own contribution.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from budgeting.models import Implementation, Process
from budgeting.selectors import (
    implementation_roles,
    process_can_manage,
    process_resident,
    process_rule,
)
from network.permissions import member_write_refusal

# the team roles held as a member of the network (the others are appointments)
MEMBER_ROLES = frozenset({"champion", "volunteer"})


def participation_refusal(*, process: Process, user) -> str | None:
    """Why `user` may not take part in `process` with their account (propose, support,
    comment, volunteer), or None when they may. THE participation rule of the app."""
    refusal = member_write_refusal(user)
    if refusal is not None:
        return refusal
    if process_resident(process, user):
        return None
    rule = process_rule(process)
    place = rule.municipality.strip() or rule.country.upper()
    if place:
        return _(
            "Taking part in this process is for residents of %(place)s: members whose residence "
            "there your national contact point or the organisers have confirmed."
        ) % {"place": place}
    return _("Your account may not take part in this process.")


def participation_require(*, process: Process, user) -> None:
    """Raise PermissionDenied with the reason when `user` may not take part in `process`."""
    refusal = participation_refusal(process=process, user=user)
    if refusal is not None:
        raise PermissionDenied(refusal)


def comment_refusal(*, process: Process, user) -> str | None:
    """Why `user` may not comment in `process`, or None: those who take part, and organisers."""
    if process_can_manage(process=process, user=user):
        return None
    return participation_refusal(process=process, user=user)


def implementation_acting_roles(*, implementation: Implementation, user) -> set[str]:
    """The roles `user` may act in on `implementation`: their roles, less those held as a
    member of the network (champion, volunteer) while their membership is not active."""
    return _acting(implementation_roles(implementation=implementation, user=user), user)


def _acting(roles: set[str], user) -> set[str]:
    if roles & MEMBER_ROLES and member_write_refusal(user) is not None:
        return roles - MEMBER_ROLES
    return roles


def implementation_role_require(
    *, implementation: Implementation, user, allowed: set[str] | frozenset[str]
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
