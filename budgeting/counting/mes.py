"""One run of the Method of Equal Shares: the engine behind `equal_shares` and add1.

Every voter starts with the same money; each round buys the project whose supporters can pay
for it at the lowest price per unit of utility (rho). The data here is arranged once per
election (`Supporters`) so that add1, which runs thousands of budgets, pays for it once.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from budgeting.counting.election import TOLERANCE, Election


@dataclass
class Supporters:
    """Per project: its supporters (voter indices), their utilities and weights."""

    voters: list[np.ndarray]
    util: list[np.ndarray]
    weight: list[np.ndarray]
    # the same, flattened project after project, for whole-election vector operations
    flat_voters: np.ndarray
    flat_util: np.ndarray
    flat_weight: np.ndarray
    starts: np.ndarray  # where each project's slice of the flat arrays starts
    lengths: np.ndarray
    n_rows: int = 0  # voters (rows of the utility matrix)
    # per project, computed once for every run: weight * utility of each supporter, their
    # total, the largest utility, and whether every weight is 1 (then weight * money = money)
    weighted_util: list[np.ndarray] = field(default_factory=list)
    total_util: np.ndarray = field(default_factory=lambda: np.zeros(0))
    max_util: list[float] = field(default_factory=list)
    unit_weights: bool = False
    # per project: c when every supporter's weight * utility is the same whole number c and
    # any sum of them is exact in float64 (c * supporters <= 2**53), else None
    uniform_util: list[float | None] = field(default_factory=list)

    @classmethod
    def build(cls, util: np.ndarray, weights: np.ndarray) -> Supporters:
        util = np.asarray(util, dtype=np.float64)
        weights = np.asarray(weights, dtype=np.float64)
        # project after project, each project's supporters in voter order (one pass over the
        # matrix instead of one strided pass per column)
        supports = util.T > 0
        flat_projects, flat_voters = np.nonzero(supports)
        flat_voters = flat_voters.astype(np.int64)
        flat_util = util.T[supports]
        flat_weight = weights[flat_voters]
        lengths = np.bincount(flat_projects, minlength=util.shape[1]).astype(np.int64)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        voters = np.split(flat_voters, starts[1:])
        utils = np.split(flat_util, starts[1:])
        ws = np.split(flat_weight, starts[1:])
        return cls(
            voters=voters,
            util=utils,
            weight=ws,
            flat_voters=flat_voters,
            flat_util=flat_util,
            flat_weight=flat_weight,
            starts=starts,
            lengths=lengths,
            n_rows=util.shape[0],
            weighted_util=[w * u for u, w in zip(utils, ws, strict=True)],
            total_util=np.array([float(u @ w) for u, w in zip(utils, ws, strict=True)]),
            max_util=[float(u.max()) if len(u) else 0.0 for u in utils],
            unit_weights=bool((np.asarray(weights) == 1.0).all()),
            uniform_util=[_uniform(u, w) for u, w in zip(utils, ws, strict=True)],
        )

    def segment_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum `values` (aligned with the flat arrays) per project."""
        sums = np.add.reduceat(values, self.starts) if len(values) else np.zeros(len(self.starts))
        return np.where(self.lengths > 0, sums, 0.0)


def _uniform(util: np.ndarray, weight: np.ndarray) -> float | None:
    """c if every weight * utility equals the same whole number c and c * len <= 2**53 (so
    that every partial sum of them is exact, whatever the order), else None."""
    if not len(util) or not (weight == 1.0).all() or not (util == util[0]).all():
        return None
    c = float(util[0])
    return c if c.is_integer() and c * len(util) <= 2.0**53 else None


def rho_compute(
    budgets: np.ndarray,
    util: np.ndarray,
    weight: np.ndarray,
    cost: float,
    weighted_util: np.ndarray | None = None,
    unit_weights: bool = False,
    uniform: float | None = None,
) -> tuple[float, np.ndarray]:
    """The smallest price per unit of utility at which the supporters can pay `cost`, each
    paying min(budget, rho * utility); and which of them then pay all they have (the poor).

    Starts with everybody paying rho * utility and moves those who cannot afford it to the
    poor until nobody else falls short (rho only rises, so this ends; usually in a few steps).
    `weighted_util` (weight * util), `unit_weights` (every weight is 1) and `uniform` (see
    `_uniform`: then a sum of k utilities is exactly k * uniform) only save work.
    """
    if uniform is not None:
        return _rho_uniform(budgets, cost, uniform)
    ratio = budgets / util
    paying = budgets if unit_weights else weight * budgets  # what each pays when poor
    if weighted_util is None:
        weighted_util = weight * util
    util_rich = float(weighted_util.sum())
    rho = cost / util_rich if util_rich > 0 else math.inf
    poor = ratio < rho * (1 - TOLERANCE)
    count = int(np.count_nonzero(poor))
    if count == 0:
        return float(rho), poor
    while True:
        if count == len(poor):  # all pay everything: the project is exactly affordable
            return float(ratio.max()), poor
        paid = float(paying[poor].sum())
        util_rich = float(weighted_util[~poor].sum())
        rho = (cost - paid) / util_rich if util_rich > 0 else math.inf
        poor |= ratio < rho * (1 - TOLERANCE)
        now = int(np.count_nonzero(poor))
        if now == count:
            return float(rho), poor
        count = now


def _rho_uniform(budgets: np.ndarray, cost: float, c: float) -> tuple[float, np.ndarray]:
    """`rho_compute` when every weight is 1 and every utility the same whole number `c`: the same
    steps, with the sum of the rich voters' utilities counted as c * how many they are (exact,
    see `_uniform`), so the same result to the last bit."""
    ratio = budgets / c
    size = len(budgets)
    util_rich = c * size
    rho = cost / util_rich
    poor = ratio < rho * (1 - TOLERANCE)
    count = int(np.count_nonzero(poor))
    if count == 0:
        return float(rho), poor
    while True:
        if count == size:
            return float(ratio.max()), poor
        paid = float(budgets[poor].sum())
        util_rich = c * (size - count)
        rho = (cost - paid) / util_rich
        poor |= ratio < rho * (1 - TOLERANCE)
        now = int(np.count_nonzero(poor))
        if now == count:
            return float(rho), poor
        count = now


@dataclass
class MesRun:
    selected: list[int]
    budgets: np.ndarray  # every voter's money when the run ended
    rounds: dict[int, tuple[int, float, float, float]]  # j -> (round, rho, money, max price)
    # per paid round, lower bounds on the rho of every other project still affordable at that
    # round: of all of them, and of those that win ties against the chosen one (see add1)
    lower_all: list[float] = field(default_factory=list)
    lower_better: list[float] = field(default_factory=list)
    rhos: list[float] = field(default_factory=list)  # the rho of each paid round's choice


def mes_candidates(election: Election, sup: Supporters, eligible: np.ndarray) -> list[int]:
    """Projects Equal Shares can buy: eligible, with supporters, not free."""
    return [
        j
        for j in range(len(election.costs))
        if eligible[j] and len(sup.voters[j]) and election.costs[j] > 0
    ]


def mes_run(
    election: Election,
    sup: Supporters,
    eligible: np.ndarray,
    rank: np.ndarray,
    per_voter: float,
    targets: Sequence[float] = (),
    known: Sequence[int] = (),
) -> MesRun:
    """One run of Equal Shares with `per_voter` money each.

    Every round buys the project whose supporters can pay for it at the lowest price per unit
    of utility (rho), ties to the better tie-break rank; a project its supporters can no longer
    afford is dropped.

    Lazy evaluation (as in pabutools and other fast implementations). Within a run voters'
    money only falls: a round takes rho * utility, or everything, from each supporter of the
    project it buys and gives nothing back. A project's rho is the least price at which its
    supporters, each paying min(money, rho * utility), gather its cost; with less money each
    price gathers less, so the least sufficient price can only rise. So the rho last computed
    for a project (or, before that, cost / total utility: everybody rich) stays a lower bound
    on its rho for the rest of the run. Projects wait in a heap ordered by (bound, tie-break
    rank); each round pops them in that order and recomputes their rho until the next bound is
    above the best rho found (it cannot win, nor can anything after it), so most projects are
    not recomputed in most rounds; those examined go back into the heap, with their fresh rho
    as bound, when the round ends. This visits projects in the same order, and makes the same
    choices, as sorting all of them by bound every round would.

    The run also records, for each paid round, lower bounds on the rho of the projects not
    chosen (their last computed value or bound); with `targets` (the rhos of another run's
    rounds) it computes every project whose bound is below the target, so that the bounds can
    certify the other run's choices (see `equal_shares._certified`). With `known`, the first
    paid rounds are known (proven) to buy those projects: only their own rho is computed, and
    their bounds are recorded as infinite (nothing left to prove).
    """
    n = sup.n_rows
    costs = election.costs
    cost_list = costs.tolist()
    ranks = rank.tolist()
    budgets = np.full(n, per_voter, dtype=np.float64)
    usable = eligible & (sup.lengths > 0)
    remaining = np.flatnonzero(usable & (costs > 0)).tolist()
    # free projects with supporters are simply bought (pabutools does the same)
    selected = np.flatnonzero(usable & (costs <= 0)).tolist()
    rounds: dict[int, tuple[int, float, float, float]] = dict.fromkeys(selected, (0, 0.0, 0.0, 0.0))
    # the lower bound on each project's rho; infinite once bought or dropped
    bound = np.full(len(costs), math.inf)
    if remaining:
        bound[remaining] = costs[remaining] / sup.total_util[remaining]
    heap = [(b, ranks[j], j) for j, b in zip(remaining, bound[remaining].tolist(), strict=True)]
    heapq.heapify(heap)
    alive = np.zeros(len(costs), dtype=bool)
    alive[remaining] = True
    lower_all: list[float] = []
    lower_better: list[float] = []
    rhos: list[float] = []
    voters, util, weight, wutil = sup.voters, sup.util, sup.weight, sup.weighted_util
    unit = sup.unit_weights
    uniform = sup.uniform_util
    rank_array = np.asarray(rank)

    def money_of(j: int, b: np.ndarray) -> float:
        """What project j's supporters, holding `b`, have together. A plain numpy sum, not a
        BLAS dot product: OpenBLAS splits dot products of over 10,000 terms among threads,
        which costs milliseconds a call on a busy machine and makes the last bit depend on
        the thread count."""
        return float(b.sum()) if unit else float((weight[j] * b).sum())

    def bought(j: int, rho: float, poor: np.ndarray, b: np.ndarray, money: float) -> None:
        new = b - rho * util[j]
        np.maximum(new, 0.0, out=new)
        new[poor] = 0.0
        budgets[voters[j]] = new
        rounds[j] = (len(rhos) + 1, rho, money, rho * sup.max_util[j])
        selected.append(j)
        alive[j] = False
        bound[j] = math.inf
        rhos.append(rho)

    left = len(remaining)
    while left:
        r = len(rhos)
        if r < len(known):
            j = known[r]
            b = budgets[voters[j]]
            rho, poor = rho_compute(b, util[j], weight[j], cost_list[j], wutil[j], unit, uniform[j])
            bought(j, rho, poor, b, money_of(j, b))
            left -= 1
            lower_all.append(math.inf)
            lower_better.append(math.inf)
            continue
        target = targets[r] if r < len(targets) else -math.inf
        best = math.inf
        best_j = -1
        best_poor: np.ndarray | None = None
        best_b: np.ndarray | None = None
        best_money = 0.0
        examined = []
        while heap:
            entry = heap[0]
            j = entry[2]
            if not alive[j]:  # bought in a known round: its entry is stale
                heapq.heappop(heap)
                continue
            if entry[0] > best * (1 + TOLERANCE) and entry[0] > target * (1 + TOLERANCE):
                break
            heapq.heappop(heap)
            b = budgets[voters[j]]
            money = money_of(j, b)
            if money < cost_list[j] * (1 - TOLERANCE):
                alive[j] = False  # unaffordable now, so for the rest of the run: dropped
                bound[j] = math.inf
                left -= 1
                continue
            rho, poor = rho_compute(b, util[j], weight[j], cost_list[j], wutil[j], unit, uniform[j])
            bound[j] = rho
            examined.append((rho, ranks[j], j))
            if (
                best_j < 0
                or rho < best * (1 - TOLERANCE)
                or (rho <= best * (1 + TOLERANCE) and ranks[j] < ranks[best_j])
            ):
                best, best_j, best_poor, best_b, best_money = rho, j, poor, b, money
        for entry in examined:
            if entry[2] != best_j:
                heapq.heappush(heap, entry)
        if best_j < 0:  # every project examined was unaffordable and is gone
            continue
        left -= 1
        bound[best_j] = math.inf
        low_all = float(bound.min())
        low_better = float(np.min(bound[rank_array < ranks[best_j]], initial=math.inf))
        assert best_poor is not None and best_b is not None  # set with best_j
        bought(best_j, best, best_poor, best_b, best_money)
        lower_all.append(low_all)
        lower_better.append(low_better)
    return MesRun(
        selected=selected,
        budgets=budgets,
        rounds=rounds,
        lower_all=lower_all,
        lower_better=lower_better,
        rhos=rhos,
    )
