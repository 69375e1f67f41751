"""Voting: voting codes, residence confirmation, ballot validation and submission.

Each public function is one transaction, takes keyword arguments only and raises
`django.core.exceptions.ValidationError` (bad input or wrong phase, with a message a person can
act on) or `PermissionDenied` (the user may not do this to this object: `budgeting.permissions`
says who may).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgeting import permissions
from budgeting.permissions import voter_eligible
from budgeting.processes.models import BallotType, Phase, Process
from budgeting.processes.selectors import ProcessRule, process_lock, process_rule
from budgeting.proposals.models import Project
from budgeting.results.selectors import ranked_points
from budgeting.voting.models import Ballot, BallotChoice, VotingCode
from budgeting.voting.selectors import (
    BallotGroup,
    ballot_groups,
    ballot_projects,
    voting_code_hash,
)
from network.models import Member, MemberStatus
from network.services import member_residence_record
from portal.locale_names import money_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed from paper
CODE_LENGTH = 12
RECEIPT_LENGTH = 10
MAX_CODES_PER_BATCH = 5000


def _grouped(code: str, size: int = 4) -> str:
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def random_code(length: int) -> str:
    """`length` characters from `CODE_ALPHABET`, from the operating system's randomness."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


@transaction.atomic
def voting_codes_issue(*, process: Process, user: User | AnonymousUser, count: int) -> list[str]:
    """Create `count` single-use voting codes; the plain codes are returned once, only hashes
    are stored. Print them straight away: they cannot be shown again."""
    permissions.process_manage_require(process=process, user=user)
    if not process_rule(process).eligibility_codes:
        raise ValidationError(_("This process does not use voting codes."))
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise ValidationError(
            _("Issue between 1 and %(max)d codes at a time.") % {"max": MAX_CODES_PER_BATCH}
        )
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        code = random_code(CODE_LENGTH)
        if code not in seen:
            seen.add(code)
            codes.append(code)
    VotingCode.objects.bulk_create(
        [VotingCode(process=process, code_hash=voting_code_hash(code)) for code in codes]
    )
    return [_grouped(code) for code in codes]


@dataclass(frozen=True)
class _GroupChoice:
    """What one ballot group (the whole ballot, or one district) got from the voter."""

    rule: ProcessRule
    group: BallotGroup
    chosen: list[Project]
    values: dict[int, int]  # project pk -> 1, points or rank, as typed
    district: str  # the district's name for a message, or "" for the whole ballot
    has_districts: bool  # an empty district is allowed when there are several

    @property
    def ranks_allowed(self) -> int:
        return self.rule.max_choices or len(self.group.projects)


def _count_limits(choice: _GroupChoice) -> list[str]:
    """Approval, k-approval and ranked ballots: how many projects were chosen."""
    rule, count = choice.rule, len(choice.chosen)
    minimum = (
        min(rule.min_choices, 1) if rule.ballot_type == BallotType.APPROVAL else rule.min_choices
    )
    errors = []
    values = {"count": count, "district": choice.district}
    if count < minimum and (count or not choice.has_districts):
        if choice.district:
            message = ngettext(
                "Choose at least %(min)d project in %(district)s; you chose %(count)d.",
                "Choose at least %(min)d projects in %(district)s; you chose %(count)d.",
                minimum,
            )
        else:
            message = ngettext(
                "Choose at least %(min)d project; you chose %(count)d.",
                "Choose at least %(min)d projects; you chose %(count)d.",
                minimum,
            )
        errors.append(message % {**values, "min": minimum})
    if rule.max_choices is not None and count > rule.max_choices:
        if choice.district:
            message = ngettext(
                "Choose at most %(max)d project in %(district)s; you chose %(count)d.",
                "Choose at most %(max)d projects in %(district)s; you chose %(count)d.",
                rule.max_choices,
            )
        else:
            message = ngettext(
                "Choose at most %(max)d project; you chose %(count)d.",
                "Choose at most %(max)d projects; you chose %(count)d.",
                rule.max_choices,
            )
        errors.append(message % {**values, "max": rule.max_choices})
    return errors


def _rank_limits(choice: _GroupChoice) -> list[str]:
    """Ranked ballots: each rank once, none beyond the ranks allowed."""
    ranks = sorted(choice.values[project.pk] for project in choice.chosen)
    errors = []
    if len(set(ranks)) != len(ranks):
        if choice.district:
            message = _("Give each rank in %(district)s to one project only.")
        else:
            message = _("Give each rank to one project only.")
        errors.append(message % {"district": choice.district})
    if ranks and ranks[-1] > choice.ranks_allowed:
        if choice.district:
            message = _("Rank projects in %(district)s from 1 to %(max)d.")
        else:
            message = _("Rank projects from 1 to %(max)d.")
        errors.append(message % {"max": choice.ranks_allowed, "district": choice.district})
    return errors


def _budget_limit(choice: _GroupChoice) -> list[str]:
    """Knapsack ballots: the chosen projects fit in the group's budget."""
    errors = []
    if not choice.chosen and not choice.has_districts:
        errors.append(_("Choose at least one project."))
    total = sum(project.cost for project in choice.chosen)
    if total > choice.group.budget:
        if choice.district:
            message = _(
                "The projects you chose in %(district)s cost %(total)s, more than the budget "
                "of %(budget)s."
            )
        else:
            message = _(
                "The projects you chose cost %(total)s, more than the budget of %(budget)s."
            )
        errors.append(
            message
            % {
                "district": choice.district,
                "total": money_text(total, choice.rule.currency),
                "budget": money_text(choice.group.budget, choice.rule.currency),
            }
        )
    return errors


def _points_limit(choice: _GroupChoice) -> list[str]:
    """Cumulative ballots: no more points than the voter has, and at least one."""
    used = sum(choice.values[project.pk] for project in choice.chosen)
    errors = []
    if used > choice.rule.points_total:
        # more than the total, so `used` is at least 2: the total decides the plural
        if choice.district:
            message = ngettext(
                "You gave %(used)d points in %(district)s; you have %(total)d point to give.",
                "You gave %(used)d points in %(district)s; you have %(total)d points to give.",
                choice.rule.points_total,
            )
        else:
            message = ngettext(
                "You gave %(used)d points; you have %(total)d point to give.",
                "You gave %(used)d points; you have %(total)d points to give.",
                choice.rule.points_total,
            )
        errors.append(
            message % {"used": used, "total": choice.rule.points_total, "district": choice.district}
        )
    if not used and not choice.has_districts:
        errors.append(_("Give at least one point."))
    return errors


# the limits each ballot type puts on every ballot group, checked in this order
GROUP_LIMITS: dict[str, tuple[Callable[[_GroupChoice], list[str]], ...]] = {
    BallotType.APPROVAL: (_count_limits,),
    BallotType.K_APPROVAL: (_count_limits,),
    BallotType.RANKED: (_count_limits, _rank_limits),
    BallotType.KNAPSACK: (_budget_limit,),
    BallotType.CUMULATIVE: (_points_limit,),
}


def _group_scores(choice: _GroupChoice) -> dict[int, tuple[int, int | None]]:
    """Project pk -> (points, rank) of one group's chosen projects."""
    ballot_type = choice.rule.ballot_type
    if ballot_type == BallotType.RANKED:
        return {
            project.pk: (
                ranked_points(rank=choice.values[project.pk], ranks_allowed=choice.ranks_allowed),
                choice.values[project.pk],
            )
            for project in choice.chosen
        }
    cumulative = ballot_type == BallotType.CUMULATIVE
    return {
        project.pk: (choice.values[project.pk] if cumulative else 1, None)
        for project in choice.chosen
    }


def _choices_clean(choices: Mapping[int, int], projects: list[Project]) -> dict[int, int]:
    """The chosen projects with a positive value; ValidationError for a project that is not on
    the ballot or a negative value."""
    on_ballot = {project.pk for project in projects}
    errors: list[str] = []
    cleaned: dict[int, int] = {}
    for pk, value in choices.items():
        if pk not in on_ballot:
            errors.append(_("A project you chose is not on this ballot."))
        elif value is None or int(value) < 0:
            errors.append(_("Points and ranks cannot be negative."))
        elif int(value) > 0:
            cleaned[pk] = int(value)
    if errors:
        raise ValidationError(errors)
    return cleaned


def ballot_validate(
    *, process: Process, choices: Mapping[int, int], projects: list[Project] | None = None
) -> dict[int, tuple[int, int | None]]:
    """Check a ballot against the process's limits; return project pk -> (points, rank).

    `choices` maps project pks to 1 (approval, k-approval, knapsack), points (cumulative) or
    ranks (ranked). Each district is a ballot of its own: limits apply per district. Raises a
    ValidationError whose messages name the limit that was broken.
    """
    projects = ballot_projects(process=process) if projects is None else projects
    cleaned = _choices_clean(choices, projects)
    rule = process_rule(process)  # the published limits once voting has opened
    has_districts = process.districts.exists()
    errors: list[str] = []
    result: dict[int, tuple[int, int | None]] = {}
    for group in ballot_groups(process=process, projects=projects):
        choice = _GroupChoice(
            rule=rule,
            group=group,
            chosen=[project for project in group.projects if project.pk in cleaned],
            values=cleaned,
            district=group.name if group.district is not None else "",
            has_districts=has_districts,
        )
        for limit in GROUP_LIMITS[rule.ballot_type]:
            errors.extend(limit(choice))
        result.update(_group_scores(choice))
    if not cleaned and not errors:
        errors.append(_("Choose at least one project."))
    if errors:
        raise ValidationError(errors)
    return result


@transaction.atomic
def ballot_submit(
    *,
    process: Process,
    choices: Mapping[int, int],
    voter: User | AnonymousUser | None = None,
    voting_code: VotingCode | None = None,
) -> Ballot:
    """Cast or change a ballot while voting is open: one ballot per person, whatever the channel.

    - A signed-in voter votes as their account: with the account when it is eligible, or with
      a voting code, which is then tied to the account (`voting_code_claim`). Either way the
      account has one ballot (the database's unique constraint on process and voter), and a
      code tied to an account never casts a ballot of its own.
    - A voting code used signed out casts the code's ballot, unless an account has claimed it.

    The process row is locked first, as `process_phase_set` locks it, so that closing the vote
    waits for a ballot in flight and no ballot is stored after the count. The lock also makes
    simultaneous submissions by one voter end with one ballot whose choices are one submission's,
    whole.
    """
    process = process_lock(process)
    if process.phase != Phase.VOTING:
        raise ValidationError(_("Voting is not open in this process."))
    if voter is not None and not voter.is_authenticated:
        voter = None
    code: VotingCode | None
    lookup: dict[str, User | VotingCode]
    defaults: dict[str, VotingCode | None]
    if voter is not None:
        if voting_code is not None:
            code = voting_code_claim_locked(process=process, voting_code=voting_code, user=voter)
        else:
            code = VotingCode.objects.filter(process=process, claimed_by=voter).first()
        if code is None and not voter_eligible(process=process, user=voter):
            raise PermissionDenied(_("Your account is not eligible to vote in this process."))
        lookup = {"voter": voter}
        defaults = {"voting_code": code}
    elif voting_code is not None:
        code = _voting_code_usable(process, voting_code)
        if code.claimed_by_id is not None:
            raise PermissionDenied(
                _("This voting code is tied to an account: sign in with it to vote.")
            )
        lookup, defaults = {"voting_code": code}, {}
    else:
        raise PermissionDenied(_("Sign in or enter a voting code to vote."))
    cleaned = ballot_validate(process=process, choices=choices)
    ballot, created = Ballot.objects.get_or_create(
        process=process, **lookup, defaults={"receipt": random_code(RECEIPT_LENGTH), **defaults}
    )
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(
        [
            BallotChoice(ballot=ballot, project_id=pk, points=points, rank=rank)
            for pk, (points, rank) in cleaned.items()
        ]
    )
    if not created:
        ballot.save(update_fields=["updated_at"])
    return ballot


def _voting_code_usable(process: Process, voting_code: VotingCode) -> VotingCode:
    code = VotingCode.objects.select_for_update().filter(pk=voting_code.pk).first()
    if code is None or code.process_id != process.pk or not process_rule(process).eligibility_codes:
        raise PermissionDenied(_("This voting code is not valid for this process."))
    return code


def voting_code_claim_locked(
    *, process: Process, voting_code: VotingCode, user: User
) -> VotingCode:
    """Tie `voting_code` to `user`'s account, for a caller that holds the process lock (see
    `processes.selectors.process_lock`) and has checked that voting is open."""
    code = _voting_code_usable(process, voting_code)
    if code.claimed_by_id == user.pk:
        return code
    if code.claimed_by_id is not None:
        raise PermissionDenied(_("This voting code is already tied to another account."))
    if VotingCode.objects.filter(process=process, claimed_by=user).exists():
        raise ValidationError(
            _(
                "Your account already holds another voting code of this process: one person "
                "votes once."
            )
        )
    code_ballot = Ballot.objects.select_for_update().filter(voting_code=code).first()
    if code_ballot is not None and code_ballot.voter_id is None:
        if Ballot.objects.filter(process=process, voter=user).exists():
            # two ballots already, one from the account and one from the code signed out:
            # tying them together cannot undo that, and neither is known to be the double
            raise ValidationError(
                _(
                    "This voting code has already cast a ballot, and so has your account: one "
                    "person votes once, so the code cannot be tied to your account."
                )
            )
        # the ballot cast with the code signed out becomes the account's one ballot
        code_ballot.voter = user
        code_ballot.save(update_fields=["voter", "updated_at"])
    code.claimed_by, code.claimed_at = user, timezone.now()
    code.save(update_fields=["claimed_by", "claimed_at"])
    return code


@transaction.atomic
def voting_code_claim(
    *, process: Process, voting_code: VotingCode, user: User | AnonymousUser
) -> VotingCode:
    """Tie a voting code entered while signed in to that account (voting phase only).

    From then on the code votes only as that account, which keeps one ballot: a ballot the
    code cast signed out becomes the account's ballot, and the code cannot cast another one
    signed out. Refused when the code belongs to another account, when the account already
    holds another code of the process, or when both the code and the account have voted.
    """
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to tie a voting code to your account."))
    process = process_lock(process)
    if process.phase != Phase.VOTING:
        raise ValidationError(_("Voting is not open in this process."))
    return voting_code_claim_locked(process=process, voting_code=voting_code, user=user)


@transaction.atomic
def voter_residence_confirm(*, process: Process, user: User, username: str) -> Member:
    """An organiser confirms that a member lives in the process's municipality, so that the
    member may vote there with their account (`voter_eligible`).

    Only for the process's own country and municipality, and only for a member whose profile
    already gives them: the organiser confirms what the member said, as the NCP of the country
    would (`network.services.member_residence_confirm`); the confirmation is audited there.
    """
    permissions.process_manage_require(process=process, user=user)
    rule = process_rule(process)
    if not (rule.country and rule.municipality):
        raise ValidationError(
            _(
                "This process names no country and municipality: the national contact point "
                "confirms residences."
            )
        )
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("country")
        .filter(user__username=username.strip(), status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None:
        raise ValidationError({"username": _("No active member has this account name.")})
    gave = (
        member.country is not None
        and member.country.key == rule.country
        and member.municipality.strip().casefold() == rule.municipality.casefold()
    )
    if not gave:
        raise ValidationError(
            {
                "username": _(
                    "This member's profile does not give %(municipality)s as their "
                    "municipality: they change their profile first."
                )
                % {"municipality": rule.municipality}
            }
        )
    return member_residence_record(
        actor=user,
        member=member,
        country=member.country,
        municipality=member.municipality,
        details={"process": process.slug},
    )


def receipt_display(receipt: str) -> str:
    """A ballot's receipt as people read it, in groups of five."""
    return _grouped(receipt, 5)
