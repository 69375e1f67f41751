"""Reads about voting: voting codes, the ballot's projects and groups, a voter's ballot."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from budgeting.processes.models import BallotType, District, Process
from budgeting.processes.selectors import process_rule
from budgeting.proposals.models import Project
from budgeting.proposals.selectors import ballot_projects
from budgeting.voting.models import Ballot, BallotChoice, VotingCode

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def voting_code_normalise(code: str) -> str:
    """The code as issued, without spaces or dashes, upper case (people type it either way)."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def voting_code_hash(code: str) -> str:
    return hashlib.sha256(voting_code_normalise(code).encode()).hexdigest()


def voting_code_find(*, process: Process, code: str) -> VotingCode | None:
    """The voting code of `process` that `code` is, or None."""
    if not voting_code_normalise(code):
        return None
    return VotingCode.objects.filter(process=process, code_hash=voting_code_hash(code)).first()


def ballot_for(
    *,
    process: Process,
    voter: User | AnonymousUser | None = None,
    voting_code: VotingCode | None = None,
) -> Ballot | None:
    """The ballot this person would change, with its choices, or None.

    Signed in: the account's ballot (also one cast with a code it claimed), else the ballot the
    entered code cast signed out (it becomes the account's on the next submission). Signed out:
    the code's ballot, unless an account has taken it over.
    """
    ballots = Ballot.objects.filter(process=process).prefetch_related(
        Prefetch("choices", queryset=BallotChoice.objects.order_by("pk"))
    )
    if voter is not None and voter.is_authenticated:
        ballot = ballots.filter(voter=voter).first()
        if ballot is not None or voting_code is None:
            return ballot
    elif voting_code is None:
        return None
    return ballots.filter(voting_code=voting_code, voter__isnull=True).first()


@dataclass(frozen=True)
class BallotGroup:
    """The projects counted together: one district, or the whole process without districts."""

    district: District | None
    budget: Decimal
    projects: list[Project]

    @property
    def key(self) -> str:
        return str(self.district.pk) if self.district else "all"

    @property
    def name(self) -> str:
        return self.district.name if self.district else ""


def ballot_groups(*, process: Process, projects: list[Project] | None = None) -> list[BallotGroup]:
    """The ballot's projects split by district (each district has its own budget and count)."""
    projects = ballot_projects(process=process) if projects is None else projects
    rule = process_rule(process)
    districts = {district.pk: district for district in process.districts.all()}
    grouped: dict[int | None, list[Project]] = defaultdict(list)
    for project in projects:
        grouped[project.district_id].append(project)
    groups = []
    if grouped.get(None) or not districts:
        groups.append(BallotGroup(None, rule.budget, grouped.get(None, [])))
    for pk, district in districts.items():
        if grouped.get(pk):
            groups.append(BallotGroup(district, rule.district_budget(district), grouped[pk]))
    return groups


def ballot_type_uses_points(process: Process) -> bool:
    return process_rule(process).ballot_type in (BallotType.CUMULATIVE, BallotType.RANKED)


def criteria_of_ballot(*, ballot: Ballot | None) -> set[int]:
    """The pks of the criteria a ballot chose."""
    if ballot is None:
        return set()
    return set(ballot.criteria_choices.values_list("criterion_id", flat=True))
