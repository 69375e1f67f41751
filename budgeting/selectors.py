"""Reading participatory budgeting data: permissions, eligibility, ballots and elections."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from budgeting import impact, rules
from budgeting.models import (
    IMPACT_RULE_FIELDS,
    RULE_FIELDS,
    AssessmentVote,
    Ballot,
    BallotChoice,
    BallotCriterion,
    BallotType,
    BonusOutcome,
    Comment,
    District,
    ImpactCriterion,
    Implementation,
    Indicator,
    Phase,
    Process,
    Project,
    ProjectStatus,
    Support,
    TieBreak,
    VotingCode,
)
from network.models import Member, MemberStatus


def process_can_manage(*, process: Process, user) -> bool:
    """Organisers of the process, staff and superusers may manage it (review, phases, codes)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return process.organisers.filter(pk=user.pk).exists()


def voter_eligible(process: Process, user) -> bool:
    """May this signed-in user vote in `process` with their account?

    THE place where "membership in the municipality" is decided: the account needs an active
    network profile (approved by its country's NCP) in the process's country and, when the process
    names a municipality, in that municipality (compared without case or surrounding spaces).
    Voting codes are checked separately (`voting_code_find`).
    """
    if not process.eligibility_accounts:
        return False
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    member = (
        Member.objects.filter(user=user, status=MemberStatus.ACTIVE)
        .select_related("country")
        .first()
    )
    if member is None:
        return False
    if process.country and (
        member.country is None or member.country.key != process.country.lower()
    ):
        return False
    if process.municipality:
        return member.municipality.strip().casefold() == process.municipality.strip().casefold()
    return True


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


def process_list() -> QuerySet[Process]:
    """The processes the public sees (not those still being prepared), newest first."""
    return (
        Process.objects.exclude(phase=Phase.DRAFT)
        .annotate(project_count=Count("projects", distinct=True))
        .order_by("-created_at", "-pk")
    )


def project_list(*, process: Process, include_unreviewed: bool = True) -> QuerySet[Project]:
    """The process's proposals with what a listing shows, in one query (supports counted)."""
    projects = (
        Project.objects.filter(process=process)
        .exclude(status=ProjectStatus.WITHDRAWN)
        .select_related("process", "theme", "district", "champion")
        .annotate(support_count=Count("supports", distinct=True))
    )
    if not include_unreviewed:
        projects = projects.filter(status=ProjectStatus.FEASIBLE)
    return projects


def ballot_projects(*, process: Process) -> list[Project]:
    """The projects on the ballot: the feasible ones, by district then title."""
    return list(
        Project.objects.filter(process=process, status=ProjectStatus.FEASIBLE)
        .select_related("process", "district", "theme")
        .order_by("district__sort_order", "district__name", "title", "pk")
    )


def ballot_for(*, process: Process, voter=None, voting_code: VotingCode | None = None):
    """The voter's current ballot with its choices, or None."""
    if voter is not None and getattr(voter, "is_authenticated", False):
        lookup = {"voter": voter}
    elif voting_code is not None:
        lookup = {"voting_code": voting_code}
    else:
        return None
    return (
        Ballot.objects.filter(process=process, **lookup)
        .prefetch_related(Prefetch("choices", queryset=BallotChoice.objects.order_by("pk")))
        .first()
    )


def project_supported_by(*, project: Project, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Support.objects.filter(project=project, user=user).exists()


def comment_threads(*, project: Project, show_hidden: bool = False) -> list[Comment]:
    """Top-level comments, each with `.thread_replies` (all descendants in order), one query."""
    comments = list(project.comments.select_related("author", "hidden_by").order_by("created_at"))
    by_parent: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        by_parent[comment.parent_id].append(comment)

    def descendants(comment: Comment, depth: int) -> list[Comment]:
        found = []
        for reply in by_parent.get(comment.pk, []):
            reply.depth = depth
            found.append(reply)
            found.extend(descendants(reply, depth + 1))
        return found

    top = by_parent.get(None, [])
    for comment in top:
        comment.depth = 0
        comment.thread_replies = descendants(comment, 1)
    return top


# The rule configuration


def rule_config(process: Process) -> dict:
    """The rule configuration as plain values (what is frozen and published)."""
    config = {name: getattr(process, name) for name in RULE_FIELDS}
    config["budget"] = str(process.budget)
    config["currency"] = process.currency
    config["districts"] = [
        {"name": district.name, "budget": str(district.budget)}
        for district in process.districts.all()
    ]
    config["impact"] = impact_rule_config(process)
    return config


def impact_rule_config(process: Process) -> dict:
    """The assessment rules frozen with the counting rule: bonus pool, split, criteria rule,
    success threshold and the weight of unexpected effects (all as strings, exactly)."""
    config = {
        name: None if getattr(process, name) is None else str(getattr(process, name))
        for name in IMPACT_RULE_FIELDS
    }
    config["bonus_pool"] = str(process.bonus_pool)
    return config


def rule_canonical_json(config: dict) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8; the text whose SHA-256 is published."""
    return json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def rule_hash(rule_json: str) -> str:
    return hashlib.sha256(rule_json.encode()).hexdigest()


# Elections


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
    districts = {district.pk: district for district in process.districts.all()}
    grouped: dict[int | None, list[Project]] = defaultdict(list)
    for project in projects:
        grouped[project.district_id].append(project)
    groups = []
    if grouped.get(None) or not districts:
        groups.append(BallotGroup(None, process.budget, grouped.get(None, [])))
    for pk, district in districts.items():
        if grouped.get(pk):
            groups.append(BallotGroup(district, district.budget, grouped[pk]))
    return groups


def ranked_points(*, rank: int, ranks_allowed: int) -> int:
    """Ordinal ballots score by rank: first place gets `ranks_allowed` points, the last 1."""
    return max(ranks_allowed - rank + 1, 0)


def tie_break_order(*, process: Process, projects: list[Project]) -> tuple[str, ...]:
    """Election ids in the order that wins ties, by the process's tie-break setting."""
    if process.tie_break == TieBreak.MORE_SUPPORTS_FIRST:
        supports = dict(
            Support.objects.filter(project__in=projects)
            .values_list("project")
            .annotate(n=Count("pk"))
            .values_list("project", "n")
        )
        ordered = sorted(projects, key=lambda p: (-supports.get(p.pk, 0), p.cost, p.pk))
    elif process.tie_break == TieBreak.EARLIER_FIRST:
        ordered = sorted(projects, key=lambda p: (p.created_at, p.pk))
    else:
        ordered = sorted(projects, key=lambda p: (p.cost, p.pk))
    return tuple(project.election_id for project in ordered)


def election_build(*, process: Process, group: BallotGroup) -> tuple[rules.Election, int]:
    """The election of one ballot group from the stored ballots, and how many voters it has.

    Voters who chose nothing in the group do not take part in it (as in pabulib's districts).
    """
    by_pk = {project.pk: project for project in group.projects}
    rows = BallotChoice.objects.filter(
        ballot__process=process, project__in=list(by_pk)
    ).values_list("ballot_id", "project_id", "points")
    ballots: dict[int, dict[str, float]] = defaultdict(dict)
    for ballot_id, project_id, points in rows:
        if points:
            ballots[ballot_id][by_pk[project_id].election_id] = float(points)
    election = rules.Election.build(
        budget=float(group.budget),
        projects=[(project.election_id, float(project.cost)) for project in group.projects],
        ballots=list(ballots.values()),
    )
    return election, len(ballots)


def ballot_type_uses_points(process: Process) -> bool:
    return process.ballot_type in (BallotType.CUMULATIVE, BallotType.RANKED)


# After the vote: criteria, implementations, assessments and the ledger


def criteria_tally(*, process: Process) -> tuple[list[tuple[ImpactCriterion, int]], int]:
    """Each criterion of the process with how many ballots chose it, and how many ballots
    chose any criterion (the base of the minimum share)."""
    criteria = list(ImpactCriterion.objects.filter(process=process))
    counts = dict(
        BallotCriterion.objects.filter(ballot__process=process)
        .values_list("criterion")
        .annotate(n=Count("pk"))
        .values_list("criterion", "n")
    )
    voters = (
        BallotCriterion.objects.filter(ballot__process=process).values("ballot").distinct().count()
    )
    return [(criterion, counts.get(criterion.pk, 0)) for criterion in criteria], voters


def criteria_of_ballot(*, ballot: Ballot | None) -> set[int]:
    """The pks of the criteria a ballot chose."""
    if ballot is None:
        return set()
    return set(ballot.criteria_choices.values_list("criterion_id", flat=True))


def implementation_roles(*, implementation: Implementation, user) -> set[str]:
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


def implementation_list(*, process: Process) -> QuerySet[Implementation]:
    """The process's implementations with what the living case shows, in a fixed number of
    queries (milestones, indicators, effects and team prefetched)."""
    return (
        Implementation.objects.filter(project__process=process)
        .select_related("project", "project__process", "champion")
        .prefetch_related(
            "milestones",
            "civil_servants",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("criterion", "verified_by"),
            ),
            "effects",
        )
        .annotate(
            yes_votes=Count("assessment_votes", filter=Q(assessment_votes__agree=True)),
            no_votes=Count("assessment_votes", filter=Q(assessment_votes__agree=False)),
        )
        .order_by("project__title", "pk")
    )


def implementation_score(*, implementation: Implementation) -> impact.Score:
    """The success score by the published formula from the stored indicators and effects."""
    process = implementation.project.process
    indicators = [
        impact.IndicatorValue(
            baseline=float(i.baseline or 0),
            target=float(i.target if i.target is not None else i.baseline or 0),
            measured=None if i.measured is None else float(i.measured),
            verified=i.verified and i.baseline is not None and i.target is not None,
        )
        for i in implementation.indicators.all()
    ]
    effects = [
        impact.EffectValue(good=e.good, counts=e.counts) for e in implementation.effects.all()
    ]
    return impact.success_score(
        indicators=indicators,
        effects=effects,
        effect_weight=float(process.effect_weight),
        threshold=float(process.success_threshold),
    )


def assessment_votes(*, implementation: Implementation) -> tuple[int, int]:
    """(yes, no) votes on the implementation's assessment."""
    votes = AssessmentVote.objects.filter(implementation=implementation)
    return votes.filter(agree=True).count(), votes.filter(agree=False).count()


def process_ledger(*, process: Process) -> impact.Ledger:
    """The bonus ledger of the process from its implementations (see `impact.ledger_build`)."""
    implementations = (
        Implementation.objects.filter(project__process=process)
        .select_related("project", "champion")
        .prefetch_related("civil_servants")
        .order_by("project__title", "pk")
    )
    projects = [
        impact.LedgerProject(
            key=str(item.project_id),
            title=item.project.title,
            cost=item.project.cost,
            state=item.bonus_outcome
            if item.bonus_outcome in impact.LEDGER_STATES
            else BonusOutcome.PENDING,
            champion=user_display(item.champion),
            servants=tuple(
                user_display(user) for user in sorted(item.civil_servants.all(), key=lambda u: u.pk)
            ),
        )
        for item in implementations
    ]
    return impact.ledger_build(
        pool=impact.cents(process.bonus_pool),
        projects=projects,
        champion_share=process.bonus_champion_share,
    )


def user_display(user) -> str:
    """The name shown publicly for an account: its full name, else its username."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
