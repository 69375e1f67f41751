"""Counting rules for participatory budgeting: pure functions over numpy arrays.

CONTRACT (the process, results page and commands code against it):

    election = Election.build(
        budget=1_000_000,
        projects=[("p1", 250_000), ("p2", 400_000), ...],   # (project id, cost), ballot order
        ballots=[{"p1": 1, "p2": 1}, {"p2": 3}, ...],        # per voter: project id -> points
    )                                                        # (approval 1; cumulative points;
                                                             #  ordinal already scored by rank)
    outcome = tally(election, Rule.EQUAL_SHARES_ADD1, tie_break=("p2", "p1", ...))
    outcome.selected          # tuple of project ids, in the order the rule selected them
    outcome.budget_used       # sum of the selected projects' costs
    outcome.explanations[pid] # ProjectExplanation: why pid won or lost, in words and numbers

Arithmetic. Budget accounting (does a project still fit?) is exact: costs and budgets are turned
into fractions of their shortest decimal form. The Method of Equal Shares runs in float64 and
treats two quantities as equal when they differ by less than `TOLERANCE` relative to their size,
which is what makes ties (and "exactly affordable") come out as in exact implementations such as
pabutools; the tests check it against an exact `Fraction` implementation on random elections.

Utilities for Equal Shares. A voter's utility for a project is the points they gave it, except
on approval elections (every score 0 or 1), where it is the project's cost ("cost utilities"):
that is how equalshares.net and the cities that use it count (Świecie, Assen, Wieliczka), and it
reproduces their official winners.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from django.utils.translation import gettext as _

import numpy as np

TOLERANCE = 1e-9


class Rule(StrEnum):
    GREEDY = "greedy"  # by score, skip what does not fit
    GREEDY_NO_SKIP = "greedy-no-skip"  # by score, stop at the first project that does not fit
    GREEDY_THRESHOLD = "greedy-threshold"  # greedy over projects scoring at least the threshold
    EQUAL_SHARES = "equalshares"  # Method of Equal Shares alone
    EQUAL_SHARES_ADD1 = "equalshares/add1"  # MES, per-voter budget raised one unit at a time
    # MES/add1, then kept only if at least as many voters prefer it to the greedy outcome
    # (pabulib files only: Wieliczka's "Zielony Milion")
    EQUAL_SHARES_ADD1_COMPARISON = "equalshares/add1-comparison"


class Utility(StrEnum):
    """What a voter gains from a selected project, for the Method of Equal Shares."""

    AUTO = "auto"  # COST on approval elections, POINTS otherwise
    COST = "cost"  # the project's cost, for every project the voter supports
    POINTS = "points"  # the points (approval 1) the voter gave the project


def _exact(value: float | int | str | Fraction) -> Fraction:
    """The exact number a cost or budget stands for (0.1 means 1/10, not the nearest double)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


@dataclass(frozen=True)
class Election:
    budget: float
    project_ids: tuple[str, ...]
    costs: np.ndarray  # float64, one per project, in project_ids order
    # voters x projects, the points each voter gives each project (0 = no support)
    scores: np.ndarray
    # how many voters each row stands for (pabulib files may merge identical ballots)
    weights: np.ndarray | None = None

    @classmethod
    def build(
        cls,
        *,
        budget: float,
        projects: Sequence[tuple[str, float]],
        ballots: Iterable[Mapping[str, float]],
        weights: Sequence[float] | None = None,
    ) -> Election:
        """An election from plain Python values (see the module docstring).

        Raises ValueError for a ballot naming an unknown project, a negative cost or score, or a
        duplicate project id.
        """
        project_ids = tuple(str(pid) for pid, _cost in projects)
        index = {pid: i for i, pid in enumerate(project_ids)}
        if len(index) != len(project_ids):
            raise ValueError("Duplicate project id.")
        costs = np.array([float(cost) for _pid, cost in projects], dtype=np.float64)
        if (costs < 0).any():
            raise ValueError("A project cost is negative.")
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        voters = 0
        for voter, ballot in enumerate(ballots):
            voters = voter + 1
            for pid, points in ballot.items():
                try:
                    col = index[str(pid)]
                except KeyError:
                    raise ValueError(
                        f"Ballot {voter + 1} names an unknown project {pid!r}."
                    ) from None
                value = float(points)
                if value < 0:
                    raise ValueError(f"Ballot {voter + 1} gives negative points to {pid!r}.")
                rows.append(voter)
                cols.append(col)
                vals.append(value)
        scores = np.zeros((voters, len(project_ids)), dtype=np.float64)
        if rows:
            scores[np.array(rows), np.array(cols)] = np.array(vals)
        weight_array = None
        if weights is not None:
            weight_array = np.asarray(weights, dtype=np.float64)
            if weight_array.shape != (voters,):
                raise ValueError("There must be one weight per ballot.")
        return cls(
            budget=float(budget),
            project_ids=project_ids,
            costs=costs,
            scores=scores,
            weights=weight_array,
        )

    @property
    def voter_weights(self) -> np.ndarray:
        if self.weights is None:
            return np.ones(self.scores.shape[0], dtype=np.float64)
        return self.weights

    @property
    def is_approval(self) -> bool:
        """Every score is 0 or 1."""
        return bool(np.isin(self.scores, (0.0, 1.0)).all())

    def project_scores(self) -> np.ndarray:
        """Total points (approval: votes) per project, voter weights applied."""
        return self.voter_weights @ self.scores

    def project_supporters(self) -> np.ndarray:
        """How many voters (weights applied) gave each project any points."""
        return self.voter_weights @ (self.scores > 0)


@dataclass(frozen=True)
class ProjectExplanation:
    project_id: str
    selected: bool
    score: float  # votes (approval) or points
    supporters: int
    # greedy rules: the budget left when the project's turn came (None for MES)
    budget_left_at_turn: float | None = None
    # equal shares: what its supporters could still pay together, and the price per supporter
    supporters_money: float | None = None
    price_per_supporter: float | None = None
    reason: str = ""  # one sentence a citizen can read
    # equal shares: the price per unit of utility (rho) at which it was bought, and the round
    rho: float | None = None
    round: int | None = None


@dataclass(frozen=True)
class Outcome:
    rule: str
    selected: tuple[str, ...]
    budget_used: float
    explanations: dict[str, ProjectExplanation] = field(default_factory=dict)
    # equal shares: the budget each voter started with (after add1: the one that was used)
    per_voter_budget: float | None = None


def tally(
    election: Election,
    rule: Rule | str,
    *,
    threshold: float = 0,
    tie_break: Sequence[str] = (),
    utility: Utility | str = Utility.AUTO,
) -> Outcome:
    """Select projects from `election` under `rule`; ties go to the project earlier in
    `tie_break` (by default: lower cost, then ballot order).

    Projects scoring below `threshold` (if above 0) are not eligible under any rule, nor are
    projects costing more than the whole budget. `utility` only matters for Equal Shares.
    """
    rule = Rule(rule)
    rank = tie_break_ranks(election, tie_break)
    eligible = _eligible(election, threshold)
    if rule in (Rule.GREEDY, Rule.GREEDY_THRESHOLD):
        return greedy(election, rule=rule, eligible=eligible, rank=rank, skip=True)
    if rule == Rule.GREEDY_NO_SKIP:
        return greedy(election, rule=rule, eligible=eligible, rank=rank, skip=False)
    util = utilities(election, Utility(utility))
    if rule == Rule.EQUAL_SHARES:
        return equal_shares(election, rule=rule, eligible=eligible, rank=rank, util=util)
    add1 = equal_shares_add1(election, rule=rule, eligible=eligible, rank=rank, util=util)
    if rule == Rule.EQUAL_SHARES_ADD1:
        return add1
    other = greedy(election, rule=Rule.GREEDY, eligible=eligible, rank=rank, skip=True)
    return popularity_comparison(election, add1, other, util=util, rule=rule)


# Shared pieces


def tie_break_ranks(election: Election, tie_break: Sequence[str]) -> np.ndarray:
    """Each project's place in the tie-break order (0 = wins every tie).

    Projects named in `tie_break` come first, in that order; the rest follow by lower cost,
    then by ballot order."""
    named = {pid: i for i, pid in enumerate(tie_break)}
    order = sorted(
        range(len(election.project_ids)),
        key=lambda j: (
            named.get(election.project_ids[j], len(named)),
            election.costs[j],
            j,
        ),
    )
    rank = np.empty(len(order), dtype=np.int64)
    rank[np.array(order, dtype=np.int64)] = np.arange(len(order))
    return rank


def _eligible(election: Election, threshold: float) -> np.ndarray:
    eligible = election.costs <= election.budget * (1 + TOLERANCE)
    if threshold and threshold > 0:
        eligible &= election.project_scores() >= threshold
    return eligible


def utilities(election: Election, utility: Utility = Utility.AUTO) -> np.ndarray:
    """The voters x projects utility matrix Equal Shares uses (see the module docstring)."""
    if utility == Utility.AUTO:
        utility = Utility.COST if election.is_approval else Utility.POINTS
    if utility == Utility.COST:
        return (election.scores > 0) * election.costs[np.newaxis, :]
    return election.scores


def _budget_used(election: Election, selected: Iterable[int]) -> float:
    return float(sum((_exact(float(election.costs[j])) for j in selected), Fraction(0)))


def _money(value: float) -> str:
    return f"{value:,.2f}".replace(".00", "")


def _ineligible_reason(election: Election, j: int, threshold_failed: bool) -> str:
    if election.costs[j] > election.budget * (1 + TOLERANCE):
        return _("It costs more than the whole budget.")
    if threshold_failed:
        return _("It did not reach the minimum score.")
    return _("It is not eligible.")


# Greedy


def greedy(
    election: Election,
    *,
    rule: Rule = Rule.GREEDY,
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
        eligible = _eligible(election, 0)
    scores = election.project_scores()
    supporters = election.project_supporters()
    order = sorted(range(len(election.project_ids)), key=lambda j: (-scores[j], rank[j]))
    left = _exact(election.budget)
    threshold_out = ~eligible & (election.costs <= election.budget * (1 + TOLERANCE))
    selected: list[int] = []
    explanations: dict[str, ProjectExplanation] = {}
    stopped_at: str | None = None
    for j in order:
        pid = election.project_ids[j]
        cost = _exact(float(election.costs[j]))
        common = {
            "project_id": pid,
            "score": float(scores[j]),
            "supporters": int(round(supporters[j])),
            "budget_left_at_turn": float(left),
        }
        if not eligible[j]:
            reason = _ineligible_reason(election, j, bool(threshold_out[j]))
            explanations[pid] = ProjectExplanation(selected=False, reason=reason, **common)
            continue
        if stopped_at is not None:
            reason = _("Counting stopped at %(project)s, which did not fit in the budget left.") % {
                "project": stopped_at
            }
            explanations[pid] = ProjectExplanation(selected=False, reason=reason, **common)
            continue
        if cost <= left:
            left -= cost
            selected.append(j)
            reason = _("Selected: it cost %(cost)s and %(left)s was left when its turn came.") % {
                "cost": _money(float(cost)),
                "left": _money(common["budget_left_at_turn"]),
            }
            explanations[pid] = ProjectExplanation(selected=True, reason=reason, **common)
        else:
            reason = _(
                "Not selected: it costs %(cost)s but only %(left)s was left at its turn."
            ) % {
                "cost": _money(float(cost)),
                "left": _money(float(left)),
            }
            explanations[pid] = ProjectExplanation(selected=False, reason=reason, **common)
            if not skip:
                stopped_at = pid
    return Outcome(
        rule=str(rule),
        selected=tuple(election.project_ids[j] for j in selected),
        budget_used=_budget_used(election, selected),
        explanations=explanations,
    )


# Method of Equal Shares


@dataclass
class _Supporters:
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
    def build(cls, util: np.ndarray, weights: np.ndarray) -> _Supporters:
        util = np.asarray(util, dtype=np.float64)
        columns = util.T
        voters, utils, ws = [], [], []
        for col in columns:
            idx = np.flatnonzero(col > 0)
            voters.append(idx)
            utils.append(col[idx])
            ws.append(weights[idx])
        lengths = np.array([len(v) for v in voters], dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)

        def flat(parts: list[np.ndarray], dtype) -> np.ndarray:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

        return cls(
            voters=voters,
            util=utils,
            weight=ws,
            flat_voters=flat(voters, np.int64),
            flat_util=flat(utils, np.float64),
            flat_weight=flat(ws, np.float64),
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


def _rho(
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
    """`_rho` when every weight is 1 and every utility the same whole number `c`: the same
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
class _MesRun:
    selected: list[int]
    budgets: np.ndarray  # every voter's money when the run ended
    rounds: dict[int, tuple[int, float, float, float]]  # j -> (round, rho, money, max price)
    # per paid round, lower bounds on the rho of every other project still affordable at that
    # round: of all of them, and of those that win ties against the chosen one (see add1)
    lower_all: list[float] = field(default_factory=list)
    lower_better: list[float] = field(default_factory=list)
    rhos: list[float] = field(default_factory=list)  # the rho of each paid round's choice


def _candidates(election: Election, sup: _Supporters, eligible: np.ndarray) -> list[int]:
    """Projects Equal Shares can buy: eligible, with supporters, not free."""
    return [
        j
        for j in range(len(election.costs))
        if eligible[j] and len(sup.voters[j]) and election.costs[j] > 0
    ]


def _mes_run(
    election: Election,
    sup: _Supporters,
    eligible: np.ndarray,
    rank: np.ndarray,
    per_voter: float,
    targets: Sequence[float] = (),
    known: Sequence[int] = (),
) -> _MesRun:
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
    certify the other run's choices (see `_certified`). With `known`, the first paid rounds are
    known (proven) to buy those projects: only their own rho is computed, and their bounds are
    recorded as infinite (nothing left to prove).
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
            rho, poor = _rho(b, util[j], weight[j], cost_list[j], wutil[j], unit, uniform[j])
            bought(j, rho, poor, b, money_of(j, b))
            left -= 1
            lower_all.append(math.inf)
            lower_better.append(math.inf)
            continue
        target = targets[r] if r < len(targets) else -math.inf
        best = math.inf
        best_j = -1
        best_poor = best_b = None
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
            rho, poor = _rho(b, util[j], weight[j], cost_list[j], wutil[j], unit, uniform[j])
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
        bought(best_j, best, best_poor, best_b, best_money)
        lower_all.append(low_all)
        lower_better.append(low_better)
    return _MesRun(
        selected=selected,
        budgets=budgets,
        rounds=rounds,
        lower_all=lower_all,
        lower_better=lower_better,
        rhos=rhos,
    )


def _certified(low: _MesRun, high: _MesRun) -> bool:
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


def _proven_rounds(low: _MesRun, high: _MesRun) -> int:
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
    run: _MesRun,
    sup: _Supporters,
    eligible: np.ndarray,
    rule: Rule,
    per_voter: float,
) -> Outcome:
    scores = election.project_scores()
    supporters = election.project_supporters()
    threshold_out = ~eligible & (election.costs <= election.budget * (1 + TOLERANCE))
    explanations: dict[str, ProjectExplanation] = {}
    for j, pid in enumerate(election.project_ids):
        common = {
            "project_id": pid,
            "score": float(scores[j]),
            "supporters": int(round(supporters[j])),
        }
        if j in run.rounds:
            round_no, rho, money, price = run.rounds[j]
            reason = _(
                "Selected in round %(round)s: its supporters still had %(money)s between them "
                "and each paid at most %(price)s."
            ) % {"round": round_no, "money": _money(money), "price": _money(price)}
            explanations[pid] = ProjectExplanation(
                selected=True,
                supporters_money=money,
                price_per_supporter=price,
                rho=rho,
                round=round_no,
                reason=reason,
                **common,
            )
            continue
        if not eligible[j]:
            reason = _ineligible_reason(election, j, bool(threshold_out[j]))
            explanations[pid] = ProjectExplanation(selected=False, reason=reason, **common)
            continue
        if not len(sup.voters[j]):
            explanations[pid] = ProjectExplanation(
                selected=False, reason=_("Nobody voted for it."), **common
            )
            continue
        money = float(sup.weight[j] @ run.budgets[sup.voters[j]])
        share = float(election.costs[j]) / max(supporters[j], 1)
        reason = _(
            "Not selected: at the end its %(count)s supporters had only %(money)s left between "
            "them, less than its cost of %(cost)s (%(share)s each if shared equally)."
        ) % {
            "count": common["supporters"],
            "money": _money(money),
            "cost": _money(float(election.costs[j])),
            "share": _money(share),
        }
        explanations[pid] = ProjectExplanation(
            selected=False,
            supporters_money=money,
            price_per_supporter=share,
            reason=reason,
            **common,
        )
    return Outcome(
        rule=str(rule),
        selected=tuple(election.project_ids[j] for j in run.selected),
        budget_used=_budget_used(election, run.selected),
        explanations=explanations,
        per_voter_budget=per_voter,
    )


def _total_weight(election: Election) -> float:
    return float(election.voter_weights.sum())


def equal_shares(
    election: Election,
    *,
    rule: Rule = Rule.EQUAL_SHARES,
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
        eligible = _eligible(election, 0)
    if util is None:
        util = utilities(election)
    sup = _Supporters.build(util, election.voter_weights)
    voters = _total_weight(election)
    if voters == 0:
        return _mes_outcome(election, _empty_run(election), sup, eligible, rule, 0.0)
    per_voter = election.budget / voters
    run = _mes_run(election, sup, eligible, rank, per_voter)
    return _mes_outcome(election, run, sup, eligible, rule, per_voter)


def _empty_run(election: Election) -> _MesRun:
    return _MesRun(selected=[], budgets=np.zeros(election.scores.shape[0]), rounds={})


def _exhaustive(election: Election, selected: Sequence[int], candidates: Iterable[int]) -> bool:
    """No candidate outside `selected` fits in the budget left (pabutools' definition)."""
    used = sum((_exact(float(election.costs[j])) for j in selected), Fraction(0))
    budget = _exact(election.budget)
    chosen = set(selected)
    return not any(
        j not in chosen and used + _exact(float(election.costs[j])) <= budget for j in candidates
    )


def equal_shares_add1(
    election: Election,
    *,
    rule: Rule = Rule.EQUAL_SHARES_ADD1,
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
        eligible = _eligible(election, 0)
    if util is None:
        util = utilities(election)
    sup = _Supporters.build(util, election.voter_weights)
    voters = _total_weight(election)
    if voters == 0:
        return _mes_outcome(election, _empty_run(election), sup, eligible, rule, 0.0)
    candidates = _candidates(election, sup, eligible)
    budget = _exact(election.budget)
    start = election.budget / voters

    def run_at(k: int, targets: Sequence[float] = (), known: Sequence[int] = ()) -> _MesRun:
        return _mes_run(election, sup, eligible, rank, start + k * step, targets, known)

    def status(run: _MesRun) -> str:
        """ "over" if it overspends, "last" if counting stops at it, else "on"."""
        used = sum((_exact(float(election.costs[j])) for j in run.selected), Fraction(0))
        if used > budget:
            return "over"
        if stop_when_exhaustive and _exhaustive(election, run.selected, candidates):
            return "last"
        if len(run.selected) >= len(candidates):
            return "last"
        return "on"

    def walk(k_low: int, low: _MesRun, k_high: int, high: _MesRun):
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
    rule: Rule,
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
