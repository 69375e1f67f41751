"""What the impact pages show: indicator rows, the ledger and the living case."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from budgeting.assessment import maths
from budgeting.assessment.selectors import criteria_tally, process_ledger
from budgeting.implementation.models import BonusOutcome
from budgeting.implementation.selectors import implementation_list
from budgeting.processes.models import Process
from budgeting.processes.selectors import process_rule


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
            progress = maths.indicator_progress(
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
            "amount": maths.from_cents(row.amount),
            "champion": row.champion,
            "champion_amount": maths.from_cents(row.champion_amount),
            "civil_servants": [
                {"name": name, "amount": maths.from_cents(amount)}
                for name, amount in row.servant_amounts
            ],
        }
        for row in ledger.rows
    ]
    rule = process_rule(process)
    return {
        "pool": maths.from_cents(ledger.pool),
        "currency": rule.currency,
        "champion_share": rule.bonus_champion_share,
        "rows": rows,
        "totals": {state: maths.from_cents(value) for state, value in ledger.totals.items()},
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
