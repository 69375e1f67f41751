"""The Method of Equal Shares, its add1 completion and the comparison step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
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
    utilities,
)
from budgeting.counting.mes import MesRun, Supporters, mes_candidates, mes_run


def _certified(low: MesRun, high: MesRun) -> bool:
    """Whether every run with a per-voter budget between `low`'s and `high`'s (higher) certainly
    buys the same projects in the same order as both.

    Suppose both buy the same sequence and, at a budget in between, the same projects were
    bought before round r. Every voter's money after each of those rounds is then between
    their money at `low` and at `high` (with the same choices it only grows with the starting
    budget: rho falls and max(money - rho * utility, 0) grows). So the project `low` chose at
    round r is affordable, at a rho at most `low`'s; any other project still affordable was
    affordable at `high` too (a project `high` dropped as unaffordable stays unaffordable
    below), and its rho is at least its rho at `high`, itself at least the lower bound `high`
    recorded for round r. If those bounds beat `low`'s rho (strictly, for projects that win
    ties), round r makes the same choice; and the projects `high` never bought are
    unaffordable at the end all along.
    """
    return low.selected == high.selected and _proven_rounds(low, high) == len(low.rhos)


def _proven_rounds(low: MesRun, high: MesRun) -> int:
    """How many first paid rounds certainly make the same choices at every per-voter budget
    between `low`'s and `high`'s (the argument of `_certified`, round after round)."""
    free = len(low.selected) - len(low.rhos)
    proven = 0
    for r, rho in enumerate(low.rhos):
        if (
            r >= len(high.rhos)
            or low.selected[free + r] != high.selected[free + r]
            or high.lower_all[r] < rho * (1 - TOLERANCE)
            or high.lower_better[r] <= rho * (1 + TOLERANCE)
        ):
            break
        proven += 1
    return proven


def _mes_outcome(
    election: Election,
    run: MesRun,
    sup: Supporters,
    eligible: np.ndarray,
    rule: str,
    per_voter: float,
) -> Outcome:
    scores = election.project_scores()
    supporters = election.project_supporters()
    threshold_out = ~eligible & (election.costs <= election.budget * (1 + TOLERANCE))
    explanations: dict[str, ProjectExplanation] = {}
    for j, pid in enumerate(election.project_ids):
        common: dict[str, Any] = {
            "project_id": pid,
            "score": float(scores[j]),
            "supporters": int(round(supporters[j])),
        }
        if j in run.rounds:
            round_no, rho, money, price = run.rounds[j]
            explanations[pid] = ProjectExplanation(
                selected=True,
                supporters_money=money,
                price_per_supporter=price,
                rho=rho,
                round=round_no,
                reason=Reason.BOUGHT,
                reason_params={"round": round_no, "money": money, "price": price},
                **common,
            )
            continue
        if not eligible[j]:
            reason = ineligible_reason(election, j, bool(threshold_out[j]))
            explanations[pid] = ProjectExplanation(selected=False, reason=reason, **common)
            continue
        if not len(sup.voters[j]):
            explanations[pid] = ProjectExplanation(
                selected=False, reason=Reason.NO_SUPPORT, **common
            )
            continue
        money = float(sup.weight[j] @ run.budgets[sup.voters[j]])
        share = float(election.costs[j]) / max(supporters[j], 1)
        explanations[pid] = ProjectExplanation(
            selected=False,
            supporters_money=money,
            price_per_supporter=share,
            reason=Reason.UNAFFORDABLE,
            reason_params={
                "count": common["supporters"],
                "money": money,
                "cost": float(election.costs[j]),
                "share": share,
            },
            **common,
        )
    return Outcome(
        rule=str(rule),
        selected=tuple(election.project_ids[j] for j in run.selected),
        budget_used=budget_used(election, run.selected),
        explanations=explanations,
        per_voter_budget=per_voter,
    )


def _total_weight(election: Election) -> float:
    return float(election.voter_weights.sum())


def equal_shares(
    election: Election,
    *,
    rule: str = "equalshares",
    eligible: np.ndarray | None = None,
    rank: np.ndarray | None = None,
    util: np.ndarray | None = None,
) -> Outcome:
    """The Method of Equal Shares: every voter gets budget / voters; in each round the project
    its supporters can buy at the lowest price per unit of utility (rho) is bought, each
    supporter paying rho * utility or all they have left, until no project is affordable."""
    if rank is None:
        rank = tie_break_ranks(election, ())
    if eligible is None:
        eligible = projects_eligible(election, 0)
    if util is None:
        util = utilities(election)
    sup = Supporters.build(util, election.voter_weights)
    voters = _total_weight(election)
    if voters == 0:
        return _mes_outcome(election, _empty_run(election), sup, eligible, rule, 0.0)
    per_voter = election.budget / voters
    run = mes_run(election, sup, eligible, rank, per_voter)
    return _mes_outcome(election, run, sup, eligible, rule, per_voter)


def _empty_run(election: Election) -> MesRun:
    return MesRun(selected=[], budgets=np.zeros(election.scores.shape[0]), rounds={})


def _exhaustive(election: Election, selected: Sequence[int], candidates: Iterable[int]) -> bool:
    """No candidate outside `selected` fits in the budget left (pabutools' definition)."""
    used = sum((exact(float(election.costs[j])) for j in selected), Fraction(0))
    budget = exact(election.budget)
    chosen = set(selected)
    return not any(
        j not in chosen and used + exact(float(election.costs[j])) <= budget for j in candidates
    )


def equal_shares_add1(
    election: Election,
    *,
    rule: str = "equalshares/add1",
    eligible: np.ndarray | None = None,
    rank: np.ndarray | None = None,
    util: np.ndarray | None = None,
    step: float = 1.0,
    skip_ahead: bool = True,
    stop_when_exhaustive: bool = False,
) -> Outcome:
    """Equal Shares completed by raising every voter's budget by `step` (one unit of money) at
    a time, starting from budget / voters: the result is the last outcome before the first one
    that would overspend the real budget (or the first that buys every project with support).

    That is how the cities counted: Wieliczka's official winners come from a per-voter budget
    past outcomes that were already exhaustive. `stop_when_exhaustive` also stops at the first
    outcome to which nothing more fits, as pabutools' `voter_budget_increment` does.

    Done naively that is thousands of runs (Budapest 2024: about 23,000). With `skip_ahead`
    the budgets are walked in spans that double while they can be certified: a span between
    two runs that buy the same sequence is skipped when `_certified` proves that every budget
    in between gives that outcome (a proof, not a guess), and is otherwise halved until it is
    certified or one unit long. Every unit is thus either run or proven to give the same
    outcome as a run, so the result is the one-unit definition's; the tests compare it with a
    naive exact implementation.
    """
    if rank is None:
        rank = tie_break_ranks(election, ())
    if eligible is None:
        eligible = projects_eligible(election, 0)
    if util is None:
        util = utilities(election)
    sup = Supporters.build(util, election.voter_weights)
    voters = _total_weight(election)
    if voters == 0:
        return _mes_outcome(election, _empty_run(election), sup, eligible, rule, 0.0)
    candidates = mes_candidates(election, sup, eligible)
    budget = exact(election.budget)
    start = election.budget / voters

    def run_at(k: int, targets: Sequence[float] = (), known: Sequence[int] = ()) -> MesRun:
        return mes_run(election, sup, eligible, rank, start + k * step, targets, known)

    def status(run: MesRun) -> str:
        """ "over" if it overspends, "last" if counting stops at it, else "on"."""
        used = sum((exact(float(election.costs[j])) for j in run.selected), Fraction(0))
        if used > budget:
            return "over"
        if stop_when_exhaustive and _exhaustive(election, run.selected, candidates):
            return "last"
        if len(run.selected) >= len(candidates):
            return "last"
        return "on"

    def walk(k_low: int, low: MesRun, k_high: int, high: MesRun):
        """The first unit in (k_low, k_high] at which counting stops, as (status, the run one
        unit before, its unit, the run at it, its unit); None if counting goes on through all."""
        if _certified(low, high):
            return None
        if k_high - k_low == 1:
            found = status(high)
            return None if found == "on" else (found, low, k_low, high, k_high)
        k_mid = (k_low + k_high) // 2
        # the rounds proven for the whole span need no proof at k_mid: replay them
        free = len(low.selected) - len(low.rhos)
        known = low.selected[free : free + _proven_rounds(low, high)]
        mid = run_at(k_mid, low.rhos, known)
        return walk(k_low, low, k_mid, mid) or walk(k_mid, mid, k_high, high)

    k, run = 0, run_at(0)
    found = status(run)
    if found != "on":  # at budget / voters MES never overspends, so this is "last"
        return _mes_outcome(election, run, sup, eligible, rule, start)
    span = 1
    while True:
        high = run_at(k + span, run.rhos)
        if not skip_ahead:  # the plain definition, one unit at a time
            found = status(high)
            direct, stop = False, None if found == "on" else (found, run, k, high, k + 1)
        else:
            direct = _certified(run, high)
            stop = None if direct else walk(k, run, k + span, high)
        if stop is not None:
            found, before, k_before, at, k_at = stop
            if found == "over":
                run, k = before, k_before
            else:
                run, k = at, k_at
            break
        k, run = k + span, high
        span = span * 2 if direct else max(1, span // 2)
    return _mes_outcome(election, run, sup, eligible, rule, start + k * step)


def popularity_comparison(
    election: Election,
    first: Outcome,
    second: Outcome,
    *,
    util: np.ndarray,
    rule: str,
) -> Outcome:
    """Keep `first` unless more voters prefer `second` (each voter compares the total utility
    each outcome gives them): the "comparison step" of Equal Shares as used in Wieliczka."""
    index = {pid: j for j, pid in enumerate(election.project_ids)}
    a = np.zeros(len(index))
    a[[index[p] for p in first.selected]] = 1
    b = np.zeros(len(index))
    b[[index[p] for p in second.selected]] = 1
    sat_a = util @ a
    sat_b = util @ b
    w = election.voter_weights
    prefer_a = float(w[sat_a > sat_b].sum())
    prefer_b = float(w[sat_b > sat_a].sum())
    chosen = second if prefer_b > prefer_a else first
    return Outcome(
        rule=str(rule),
        selected=chosen.selected,
        budget_used=chosen.budget_used,
        explanations=chosen.explanations,
        per_voter_budget=chosen.per_voter_budget,
    )
