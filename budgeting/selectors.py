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
    CountingRule,
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


def process_resident(process: Process, user) -> bool:
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


def voter_eligible(process: Process, user) -> bool:
    """May this signed-in user vote in `process` with their account? A confirmed resident
    (`process_resident`) of a process whose published rule lets accounts vote. Voting codes are
    checked separately (`voting_code_find`)."""
    return process_rule(process).eligibility_accounts and process_resident(process, user)


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
    """The ballot this person would change, with its choices, or None.

    Signed in: the account's ballot (also one cast with a code it claimed), else the ballot the
    entered code cast signed out (it becomes the account's on the next submission). Signed out:
    the code's ballot, unless an account has taken it over.
    """
    ballots = Ballot.objects.filter(process=process).prefetch_related(
        Prefetch("choices", queryset=BallotChoice.objects.order_by("pk"))
    )
    if voter is not None and getattr(voter, "is_authenticated", False):
        ballot = ballots.filter(voter=voter).first()
        if ballot is not None or voting_code is None:
            return ballot
    elif voting_code is None:
        return None
    return ballots.filter(voting_code=voting_code, voter__isnull=True).first()


def voter_can_vote(*, process: Process, voter=None, voting_code: VotingCode | None = None) -> bool:
    """May this person cast a ballot in `process`: an eligible account, an account holding a
    code it claimed, or a code of the process that no other account has claimed (the channels
    of `services.ballot_submit`)."""
    signed_in = voter is not None and getattr(voter, "is_authenticated", False)
    if signed_in and voter_eligible(process, voter):
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
    """The configuration that decides the count, as plain values: what is frozen and published
    when voting opens (the ballot and counting rule, the budget and the districts' budgets, who
    may vote, the order that breaks ties, the assessment rules)."""
    config = _rule_config_live(process)
    config["tie_order"] = list(
        tie_break_order(process=process, projects=ballot_projects(process=process))
    )
    return config


def _rule_config_live(process: Process) -> dict:
    config = {name: getattr(process, name) for name in RULE_FIELDS}
    config["budget"] = str(process.budget_configured)
    config["currency"] = process.currency
    config["districts"] = [
        {"id": district.pk, "name": district.name, "budget": str(district.budget)}
        for district in process.districts.all()
    ]
    config["eligibility"] = _eligibility_config(process)
    config["impact"] = impact_rule_config(process)
    return config


def _eligibility_config(process: Process) -> dict:
    return {
        "accounts": process.eligibility_accounts,
        "codes": process.eligibility_codes,
        "country": process.country.strip().lower(),
        "municipality": process.municipality.strip(),
    }


def impact_rule_config(process: Process) -> dict:
    """The assessment rules frozen with the counting rule: bonus pool, split, criteria rule,
    success threshold and the weight of unexpected effects (all as strings, exactly)."""
    config = {
        name: None if getattr(process, name) is None else str(getattr(process, name))
        for name in IMPACT_RULE_FIELDS
    }
    config["bonus_pool"] = str(process.bonus_pool_configured)
    return config


@dataclass(frozen=True)
class ProcessRule:
    """The configuration a process is counted by, typed.

    Once voting has opened it is the published rule (`Process.rule_json`, whose SHA-256 is
    shown), never the live fields: what is published is what is counted. Before that it is the
    configuration as it stands.
    """

    ballot_type: str
    min_choices: int
    max_choices: int | None
    points_total: int
    counting_rule: str
    threshold: int
    tie_break: str
    budget: Decimal
    currency: str
    districts: tuple[tuple[str, Decimal], ...]  # (name, budget) in the published order
    # district pk -> budget (name -> budget in rules published before districts had ids)
    district_budgets: dict[int | str, Decimal]
    eligibility_accounts: bool
    eligibility_codes: bool
    country: str
    municipality: str
    # election ids in the order that wins ties, fixed when voting opened (None: compute it)
    tie_order: tuple[str, ...] | None
    bonus_pool: Decimal
    bonus_champion_share: Decimal
    criteria_top_n: int
    criteria_min_share: Decimal
    success_threshold: Decimal
    effect_weight: Decimal

    def district_budget(self, district: District) -> Decimal:
        """A district's budget; a district the published rule does not name has none."""
        if district.pk in self.district_budgets:
            return self.district_budgets[district.pk]
        return self.district_budgets.get(district.name, Decimal(0))

    @property
    def ballot_type_label(self) -> str:
        return str(BallotType(self.ballot_type).label)

    @property
    def counting_rule_label(self) -> str:
        return str(CountingRule(self.counting_rule).label)

    @property
    def tie_break_label(self) -> str:
        return str(TieBreak(self.tie_break).label)


def process_rule(process: Process) -> ProcessRule:
    """The rule `process` is counted by: the published rule once voting has opened (rules
    published before a key existed fall back to the field, which `Process.clean` has kept
    frozen since), the live configuration before."""
    published = process.published_rule
    if published is None:
        config = _rule_config_live(process)
        config["tie_order"] = None
    else:
        config = published
    eligibility = config.get("eligibility") or _eligibility_config(process)
    impact_config = config.get("impact") or impact_rule_config(process)
    if "districts" in config:
        rows = [(row.get("id"), row["name"], Decimal(row["budget"])) for row in config["districts"]]
    else:
        rows = [(d.pk, d.name, d.budget) for d in process.districts.all()]
    district_budgets = {pk if pk is not None else name: budget for pk, name, budget in rows}

    def value(name: str):
        return config[name] if name in config else getattr(process, name)

    def decimal(name: str) -> Decimal:
        raw = impact_config.get(name)
        return Decimal(raw) if raw is not None else Decimal(getattr(process, name))

    tie_order = config.get("tie_order")
    return ProcessRule(
        ballot_type=value("ballot_type"),
        min_choices=value("min_choices"),
        max_choices=value("max_choices"),
        points_total=value("points_total"),
        counting_rule=value("counting_rule"),
        threshold=value("threshold"),
        tie_break=value("tie_break"),
        budget=Decimal(config["budget"]) if "budget" in config else process.budget_configured,
        currency=value("currency"),
        districts=tuple((name, budget) for _pk, name, budget in rows),
        district_budgets=district_budgets,
        eligibility_accounts=bool(eligibility["accounts"]),
        eligibility_codes=bool(eligibility["codes"]),
        country=eligibility["country"],
        municipality=eligibility["municipality"],
        tie_order=None if tie_order is None else tuple(tie_order),
        bonus_pool=Decimal(impact_config.get("bonus_pool") or process.bonus_pool_configured),
        bonus_champion_share=decimal("bonus_champion_share"),
        criteria_top_n=int(decimal("criteria_top_n")),
        criteria_min_share=decimal("criteria_min_share"),
        success_threshold=decimal("success_threshold"),
        effect_weight=decimal("effect_weight"),
    )


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


def ranked_points(*, rank: int, ranks_allowed: int) -> int:
    """Ordinal ballots score by rank: first place gets `ranks_allowed` points, the last 1."""
    return max(ranks_allowed - rank + 1, 0)


def tie_break_order(*, process: Process, projects: list[Project]) -> tuple[str, ...]:
    """Election ids in the order that wins ties: the order published when voting opened (the
    supports then), or by the process's tie-break setting before."""
    rule = process_rule(process)
    if rule.tie_order is not None:
        position = {election_id: i for i, election_id in enumerate(rule.tie_order)}
        ordered = sorted(
            projects, key=lambda p: (position.get(p.election_id, len(position)), p.cost, p.pk)
        )
        return tuple(project.election_id for project in ordered)
    tie_break = rule.tie_break
    if tie_break == TieBreak.MORE_SUPPORTS_FIRST:
        supports = dict(
            Support.objects.filter(project__in=projects)
            .values_list("project")
            .annotate(n=Count("pk"))
            .values_list("project", "n")
        )
        ordered = sorted(projects, key=lambda p: (-supports.get(p.pk, 0), p.cost, p.pk))
    elif tie_break == TieBreak.EARLIER_FIRST:
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
    return process_rule(process).ballot_type in (BallotType.CUMULATIVE, BallotType.RANKED)


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
    rule = process_rule(implementation.project.process)
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
        effect_weight=float(rule.effect_weight),
        threshold=float(rule.success_threshold),
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
    rule = process_rule(process)
    return impact.ledger_build(
        pool=impact.cents(rule.bonus_pool),
        projects=projects,
        champion_share=rule.bonus_champion_share,
    )


def user_display(user) -> str:
    """The name shown publicly for an account: its full name, else its username."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
