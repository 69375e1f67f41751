"""What the PB templates show: the ballot, the results and their charts, as plain values.

Shared by the views and by `budgeting.blocks.ProcessBlock`, so that an embedded process shows
exactly what its own page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.middleware.csrf import get_token
from django.utils.translation import gettext as _

from budgeting import impact
from budgeting.forms import ProposalForm
from budgeting.models import BallotType, BonusOutcome, CountingRule, Phase, Process, Project
from budgeting.permissions import participation_refusal
from budgeting.selectors import (
    ProcessRule,
    ballot_for,
    ballot_groups,
    ballot_projects,
    ballot_type_uses_points,
    criteria_tally,
    implementation_list,
    process_can_manage,
    process_ledger,
    process_rule,
    project_list,
    voter_can_vote,
)
from portal.rich_text import plain_text

CODE_SESSION_KEY = "budgeting:code:{pk}"
RECEIPT_SESSION_KEY = "budgeting:receipt:{pk}"


def session_voting_code(request, process):
    """The voting code this browser entered for `process` (kept in the session), or None."""
    code_pk = request.session.get(CODE_SESSION_KEY.format(pk=process.pk))
    return process.voting_codes.filter(pk=code_pk).first() if code_pk else None


# Geometry of the bar charts (SVG user units; the SVG scales to its container).
CHART_WIDTH = 640
CHART_LABEL_WIDTH = 260
CHART_BAR_SPACE = 300
CHART_ROW = 28
CHART_BAR = 18


def rule_label(rule: str) -> str:
    try:
        return str(CountingRule(rule).label)
    except ValueError:
        return rule


@dataclass
class BallotProject:
    project: Project
    summary: str
    checked: bool = False
    value: str = ""


@dataclass
class BallotSection:
    key: str
    name: str
    budget: Decimal
    projects: list[BallotProject] = field(default_factory=list)


@dataclass
class BallotView:
    process: Process
    rule: ProcessRule  # the published limits and budgets
    sections: list[BallotSection]
    uses_checkboxes: bool
    uses_points: bool
    uses_ranks: bool
    rank_choices: list[int]
    limit_text: str


def ballot_view(process: Process, *, chosen: dict[int, int] | None = None) -> BallotView:
    """The ballot's sections (one per district) with the voter's current choices filled in."""
    chosen = chosen or {}
    projects = ballot_projects(process=process)
    sections = []
    for group in ballot_groups(process=process, projects=projects):
        section = BallotSection(group.key, group.name, group.budget)
        for project in group.projects:
            value = chosen.get(project.pk)
            section.projects.append(
                BallotProject(
                    project=project,
                    summary=plain_text(project.description)[:240],
                    checked=bool(value),
                    value="" if value in (None, 0) else str(value),
                )
            )
        sections.append(section)
    rule = process_rule(process)
    ballot_type = rule.ballot_type
    uses_points = ballot_type == BallotType.CUMULATIVE
    uses_ranks = ballot_type == BallotType.RANKED
    most = max((len(section.projects) for section in sections), default=0)
    ranks_allowed = rule.max_choices or most
    return BallotView(
        process=process,
        rule=rule,
        sections=sections,
        uses_checkboxes=not (uses_points or uses_ranks),
        uses_points=uses_points,
        uses_ranks=uses_ranks,
        rank_choices=list(range(1, ranks_allowed + 1)),
        limit_text=ballot_limit_text(process),
    )


def ballot_limit_text(process: Process) -> str:
    """The ballot's limits in one sentence, shown above the ballot."""
    rule = process_rule(process)
    ballot_type = rule.ballot_type
    if ballot_type == BallotType.KNAPSACK:
        return _("Choose projects whose costs together fit within the budget.")
    if ballot_type == BallotType.CUMULATIVE:
        return _("Share up to %(points)d points between the projects you like.") % {
            "points": rule.points_total
        }
    if ballot_type == BallotType.RANKED:
        return _("Rank up to %(k)d projects: 1 is your favourite.") % {
            "k": rule.max_choices or len(ballot_projects(process=process))
        }
    if ballot_type == BallotType.K_APPROVAL:
        if rule.max_choices:
            return _("Choose at least %(min)d and at most %(max)d projects.") % {
                "min": rule.min_choices,
                "max": rule.max_choices,
            }
        return _("Choose at least %(min)d projects.") % {"min": rule.min_choices}
    if rule.max_choices:
        return _("Choose the projects you support, at most %(max)d.") % {"max": rule.max_choices}
    return _("Choose every project you support.")


def bar_chart(*, rows: list[dict], value_key: str, unit: str) -> dict:
    """Geometry of a horizontal bar chart: one bar per row, scaled to the largest value."""
    largest = max((row[value_key] for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        value = row[value_key]
        width = round(CHART_BAR_SPACE * value / largest, 1)
        label = row["title"] if len(row["title"]) <= 34 else row["title"][:33] + "…"
        bars.append(
            {
                "label": label,
                "full_label": row["title"],
                "value": value,
                "selected": row.get("selected", False),
                "y": index * CHART_ROW,
                "text_y": index * CHART_ROW + CHART_BAR - 4,
                "width": max(width, 1),
                "value_x": CHART_LABEL_WIDTH + max(width, 1) + 6,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": max(len(rows) * CHART_ROW, CHART_ROW),
        "label_width": CHART_LABEL_WIDTH,
        "bar_height": CHART_BAR,
        "bars": bars,
        "unit": unit,
    }


def results_view(process: Process) -> dict | None:
    """The stored results with labels, charts and the comparison between rules."""
    results = process.results
    if not results:
        return None
    groups = []
    for index, group in enumerate(results["groups"], start=1):
        titles = {row["id"]: row["title"] for row in group["projects"]}
        outcomes = [
            {
                "rule": group["rule"],
                "label": rule_label(group["rule"]),
                "selected": group["selected"],
                "budget_used": group["budget_used"],
                "official": True,
            }
        ] + [
            {**other, "label": rule_label(other["rule"]), "official": False}
            for other in group["comparison"]
        ]
        comparison_rows = [
            {
                "title": row["title"],
                "cells": [row["id"] in outcome["selected"] for outcome in outcomes],
            }
            for row in group["projects"]
        ]
        unit = _("points") if ballot_type_uses_points(process) else _("votes")
        groups.append(
            {
                **group,
                "dom_id": f"pb-{process.slug}-{index}",
                "winners": [titles[pid] for pid in group["selected"] if pid in titles],
                "budget_share": (
                    round(100 * group["budget_used"] / group["budget"]) if group["budget"] else 0
                ),
                "outcomes": outcomes,
                "comparison_rows": comparison_rows,
                "votes_chart": bar_chart(rows=group["projects"], value_key="score", unit=unit),
                "budget_chart": bar_chart(
                    rows=[
                        {
                            "title": outcome["label"],
                            "budget_used": outcome["budget_used"],
                            "selected": outcome["official"],
                        }
                        for outcome in outcomes
                    ],
                    value_key="budget_used",
                    unit=process.currency,
                ),
            }
        )
    return {
        "rule": results["rule"],
        "rule_label": rule_label(results["rule"]),
        "ballots": results["ballots"],
        "computed_at": results["computed_at"],
        "groups": groups,
        "uses_mes": results["rule"].startswith("equalshares"),
    }


def phase_context(request, process: Process, *, embedded: bool = False) -> dict:
    """What the process's current phase shows, on its page or embedded in another page."""
    user = request.user
    context: dict = {
        "process": process,
        "rule": process_rule(process),
        "embedded": embedded,
        "can_manage": process_can_manage(process=process, user=user),
        "next_url": request.get_full_path(),
    }
    phase = process.phase
    if phase in (Phase.PROPOSALS, Phase.REVIEW):
        context["projects"] = project_list(process=process)
        if phase == Phase.PROPOSALS and user.is_authenticated:
            refusal = participation_refusal(process=process, user=user)
            if refusal is None:
                context["proposal_form"] = ProposalForm(process=process)
            else:
                context["participation_refusal"] = refusal
    elif phase == Phase.VOTING:
        get_token(request)  # the ballot form needs the CSRF cookie, also when embedded
        voter = user if user.is_authenticated else None
        voting_code = session_voting_code(request, process)
        if (
            voting_code is not None
            and voter is not None
            and voting_code.claimed_by_id
            not in (
                None,
                voter.pk,
            )
        ):
            voting_code = None  # another account's code, entered earlier in this browser
        ballot = ballot_for(process=process, voter=voter, voting_code=voting_code)
        chosen = {}
        if ballot is not None:
            chosen = {
                choice.project_id: (choice.rank or choice.points) for choice in ballot.choices.all()
            }
        context.update(
            ballot=ballot_view(process, chosen=chosen),
            existing_ballot=ballot,
            can_vote=voter_can_vote(process=process, voter=voter, voting_code=voting_code),
            voting_code=voting_code,
        )
    elif process.counts_visible:
        context["results"] = results_view(process)
        if process.phase_reached(Phase.IMPLEMENTATION):
            context["living"] = living_case(process)
    return context


# After the vote: the living case, the implementation page and the ledger


def indicator_rows(indicators) -> list[dict]:
    """Indicators as the pages show them, with the progress that counts (verified only)."""
    rows = []
    for indicator in indicators:
        progress = None
        if (
            indicator.verified
            and indicator.measured is not None
            and indicator.baseline is not None
            and indicator.target is not None
        ):
            progress = impact.indicator_progress(
                baseline=float(indicator.baseline),
                target=float(indicator.target),
                measured=float(indicator.measured),
            )
        rows.append(
            {
                "indicator": indicator,
                "criterion": indicator.criterion,
                "progress": progress,
                "progress_percent": None if progress is None else round(100 * progress),
            }
        )
    return rows


def ledger_view(process: Process) -> dict:
    """The ledger with amounts as money (Decimal) for the page, CSV and JSON."""
    ledger = process_ledger(process=process)
    labels = dict(BonusOutcome.choices)
    rows = [
        {
            "project_id": row.key,
            "project": row.title or _("(no funded project)"),
            "state": row.state,
            "state_label": labels.get(row.state, row.state),
            "amount": impact.from_cents(row.amount),
            "champion": row.champion,
            "champion_amount": impact.from_cents(row.champion_amount),
            "civil_servants": [
                {"name": name, "amount": impact.from_cents(amount)}
                for name, amount in row.servant_amounts
            ],
        }
        for row in ledger.rows
    ]
    rule = process_rule(process)
    return {
        "pool": impact.from_cents(ledger.pool),
        "currency": rule.currency,
        "champion_share": rule.bonus_champion_share,
        "rows": rows,
        "totals": {state: impact.from_cents(value) for state, value in ledger.totals.items()},
    }


def living_case(process: Process) -> dict:
    """What a process in implementation or evaluation shows: turnout, the funded projects with
    their status, outcomes against the chosen criteria, and the bonuses (from the data)."""
    tally, criteria_voters = criteria_tally(process=process)
    implementations = list(implementation_list(process=process))
    projects = []
    for item in implementations:
        milestones = list(item.milestones.all())
        projects.append(
            {
                "implementation": item,
                "project": item.project,
                "milestones_reached": sum(1 for m in milestones if m.reached),
                "milestones_total": len(milestones),
                "indicators": indicator_rows(item.indicators.all()),
                "effects_counted": sum(1 for e in item.effects.all() if e.counts),
            }
        )
    results = process.results or {}
    return {
        "ballots": results.get("ballots", 0),
        "criteria_voters": criteria_voters,
        "criteria": [
            {"criterion": criterion, "count": count, "selected": criterion.selected}
            for criterion, count in tally
        ],
        "projects": projects,
        "funded_total": sum((item.project.cost for item in implementations), Decimal(0)),
        "ledger": ledger_view(process),
    }
