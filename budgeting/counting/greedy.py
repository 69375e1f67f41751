"""Greedy rules: fund projects from the highest score down while they fit."""

from __future__ import annotations

from typing import Any

import numpy as np

from budgeting.counting.election import (
    TOLERANCE,
    Election,
    Outcome,
    ProjectExplanation,
    Reason,
    budget_used,
    exact,
    ineligible_reason,
    projects_eligible,
    tie_break_ranks,
)


def greedy(
    election: Election,
    *,
    rule: str = "greedy",
    eligible: np.ndarray | None = None,
    rank: np.ndarray | None = None,
    skip: bool = True,
) -> Outcome:
    """Fund projects from the highest score down while they fit in what is left of the budget.

    With `skip`, a project that does not fit is passed over and counting goes on; without it,
    counting stops at the first eligible project that does not fit (projects dearer than the
    whole budget are never eligible, so a withdrawn project priced out of reach does not stop
    the count). Each project's explanation records the budget left when its turn came.
    """
    if rank is None:
        rank = tie_break_ranks(election, ())
    if eligible is None:
        eligible = projects_eligible(election, 0)
    scores = election.project_scores()
    supporters = election.project_supporters()
    order = sorted(range(len(election.project_ids)), key=lambda j: (-scores[j], rank[j]))
    left = exact(election.budget)
    threshold_out = ~eligible & (election.costs <= election.budget * (1 + TOLERANCE))
    selected: list[int] = []
    explanations: dict[str, ProjectExplanation] = {}
    stopped_at: str | None = None
    for j in order:
        pid = election.project_ids[j]
        cost = exact(float(election.costs[j]))
        common: dict[str, Any] = {
            "project_id": pid,
            "score": float(scores[j]),
            "supporters": int(round(supporters[j])),
            "budget_left_at_turn": float(left),
        }
        if not eligible[j]:
            reason = ineligible_reason(election, j, bool(threshold_out[j]))
            explanations[pid] = ProjectExplanation(selected=False, reason=reason, **common)
            continue
        if stopped_at is not None:
            explanations[pid] = ProjectExplanation(
                selected=False,
                reason=Reason.COUNTING_STOPPED,
                reason_params={"project": stopped_at},
                **common,
            )
            continue
        numbers = {"cost": float(cost), "left": common["budget_left_at_turn"]}
        if cost <= left:
            left -= cost
            selected.append(j)
            explanations[pid] = ProjectExplanation(
                selected=True, reason=Reason.FITTED, reason_params=numbers, **common
            )
        else:
            explanations[pid] = ProjectExplanation(
                selected=False, reason=Reason.DID_NOT_FIT, reason_params=numbers, **common
            )
            if not skip:
                stopped_at = pid
    return Outcome(
        rule=str(rule),
        selected=tuple(election.project_ids[j] for j in selected),
        budget_used=budget_used(election, selected),
        explanations=explanations,
    )
