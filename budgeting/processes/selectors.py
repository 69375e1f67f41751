"""Reads about PB processes: the list, and the rule configuration as frozen and published."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet

from budgeting.processes.models import (
    IMPACT_RULE_FIELDS,
    RULE_FIELDS,
    BallotType,
    CountingRule,
    District,
    Phase,
    Process,
    TieBreak,
)
from budgeting.proposals.models import Project, Support
from budgeting.proposals.selectors import ballot_projects


def process_list() -> QuerySet[Process]:
    """The processes the public sees (not those still being prepared), newest first."""
    return (
        Process.objects.exclude(phase=Phase.DRAFT)
        .prefetch_related("translations")
        .annotate(project_count=Count("projects", distinct=True))
        .order_by("-created_at", "-pk")
    )


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
    """The SHA-256 of the published rule text, as published beside it."""
    return hashlib.sha256(rule_json.encode()).hexdigest()


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


def process_lock(process: Process) -> Process:
    """`process` again, its row locked for this transaction: phase changes and ballots wait
    for each other."""
    # Ballots, claims and phase changes of one process take this row lock first, in the same
    # order, so that they happen one after another (and never deadlock).
    return Process.objects.select_for_update().get(pk=process.pk)
