"""Elections, outcomes and what every rule shares: the data model of the counting core.

An election is built from plain Python values and counted by a rule of the registry:

    election = Election.build(
        budget=1_000_000,
        projects=[("p1", 250_000), ("p2", 400_000), ...],   # (project id, cost), ballot order
        ballots=[{"p1": 1, "p2": 1}, {"p2": 3}, ...],        # per voter: project id -> points
    )                                                        # (approval 1; cumulative points;
                                                             #  ordinal already scored by rank)
    outcome = tally(election, Rule.EQUAL_SHARES_ADD1, tie_break=("p2", "p1", ...))
    outcome.selected          # tuple of project ids, in the order the rule selected them
    outcome.budget_used       # sum of the selected projects' costs
    outcome.explanations[pid] # ProjectExplanation: why pid won or lost, as a code and numbers

(`tally` and `Rule` live in `budgeting.counting.registry`.)

Arithmetic. Budget accounting (does a project still fit?) is exact: costs and budgets are turned
into fractions of their shortest decimal form. The Method of Equal Shares runs in float64 and
treats two quantities as equal when they differ by less than `TOLERANCE` relative to their size,
which is what makes ties (and "exactly affordable") come out as in exact implementations such as
pabutools; the tests check it against an exact `Fraction` implementation on random elections.

Utilities for Equal Shares. A voter's utility for a project is the points they gave it, except
on approval elections (every score 0 or 1), where it is the project's cost ("cost utilities"):
that is how equalshares.net and the cities that use it count (Świecie, Assen, Wieliczka), and it
reproduces their official winners.

Words. This package imports no Django and writes no sentences: an explanation says why a project
won or lost with a `Reason` code and its numbers (`reason_params`: amounts as plain numbers, a
project by its id), and the host application words them when someone reads them, in the
reader's language and money format (the budgeting app: `budgeting.results.explanations`). So a
result counted while one language was active reads right in every other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

import numpy as np

TOLERANCE = 1e-9


def gettext_noop(message: str) -> str:
    """Mark `message` for translation catalogues (makemessages finds this name) and return it."""
    return message


class Reason(StrEnum):
    """Why a project won or lost; `ProjectExplanation.reason_params` holds the numbers each
    code goes with (amounts in the election's money, a project by its id)."""

    OVER_BUDGET = "over_budget"  # it costs more than the whole budget
    BELOW_MINIMUM = "below_minimum"  # it did not reach the minimum score
    NOT_ELIGIBLE = "not_eligible"
    # greedy rules; cost, left: the budget left when its turn came
    FITTED = "fitted"
    DID_NOT_FIT = "did_not_fit"
    COUNTING_STOPPED = "counting_stopped"  # project: the one that did not fit (no skipping)
    # equal shares
    BOUGHT = "bought"  # round; money: its supporters' money; price: the most one paid
    NO_SUPPORT = "no_support"
    # count: supporters; money: what they had left; cost; share: cost / supporters
    UNAFFORDABLE = "unaffordable"


class Utility(StrEnum):
    """What a voter gains from a selected project, for the Method of Equal Shares."""

    AUTO = "auto"  # COST on approval elections, POINTS otherwise
    COST = "cost"  # the project's cost, for every project the voter supports
    POINTS = "points"  # the points (approval 1) the voter gave the project


def exact(value: float | int | str | Fraction) -> Fraction:
    """The exact number a cost or budget stands for (0.1 means 1/10, not the nearest double)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


@dataclass(frozen=True)
class Election:
    """What is counted: the budget, the projects with their costs and every voter's points."""

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
                rows.append(voter)
                cols.append(col)
                vals.append(float(points))
        return cls.from_entries(
            budget=budget,
            projects=projects,
            voters=voters,
            rows=rows,
            cols=cols,
            vals=vals,
            weights=weights,
        )

    @classmethod
    def from_entries(
        cls,
        *,
        budget: float,
        projects: Sequence[tuple[str, float]],
        voters: int,
        rows: Sequence[int] | np.ndarray,
        cols: Sequence[int] | np.ndarray,
        vals: Sequence[float] | np.ndarray,
        weights: Sequence[float] | None = None,
    ) -> Election:
        """An election from its ballots' entries: voter `rows[k]` (0 to voters - 1) gives the
        project at `cols[k]` in `projects` `vals[k]` points; a voter names a project at most
        once. The fast way in for readers of large files.

        Raises ValueError for a negative cost or score, or a duplicate project id.
        """
        project_ids = tuple(str(pid) for pid, _cost in projects)
        if len(set(project_ids)) != len(project_ids):
            raise ValueError("Duplicate project id.")
        costs = np.array([float(cost) for _pid, cost in projects], dtype=np.float64)
        if (costs < 0).any():
            raise ValueError("A project cost is negative.")
        values = np.asarray(vals, dtype=np.float64)
        if (values < 0).any():
            k = int(np.argmax(values < 0))
            raise ValueError(
                f"Ballot {int(rows[k]) + 1} gives negative points to {project_ids[cols[k]]!r}."
            )
        scores = np.zeros((voters, len(project_ids)), dtype=np.float64)
        if len(values):
            scores[np.asarray(rows), np.asarray(cols)] = values
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
        return bool(((self.scores == 0.0) | (self.scores == 1.0)).all())

    def project_scores(self) -> np.ndarray:
        """Total points (approval: votes) per project, voter weights applied."""
        return self.voter_weights @ self.scores

    def project_supporters(self) -> np.ndarray:
        """How many voters (weights applied) gave each project any points."""
        if self.weights is None:  # a count, without making a float matrix of the supports
            return np.count_nonzero(self.scores > 0, axis=0).astype(np.float64)
        return self.weights @ (self.scores > 0)


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
    # why it won or lost: a `Reason` and its numbers (the host application words them)
    reason: Reason | None = None
    reason_params: dict[str, float | int | str] = field(default_factory=dict)
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


def projects_eligible(election: Election, threshold: float) -> np.ndarray:
    """Which projects a rule may select: those within the whole budget and, with a threshold
    above 0, scoring at least it."""
    eligible = election.costs <= election.budget * (1 + TOLERANCE)
    if threshold and threshold > 0:
        eligible &= election.project_scores() >= threshold
    return eligible


def utilities(election: Election, utility: Utility = Utility.AUTO) -> np.ndarray:
    """The voters x projects utility matrix Equal Shares uses (see the module docstring)."""
    approval = election.is_approval
    if utility == Utility.AUTO:
        utility = Utility.COST if approval else Utility.POINTS
    if utility == Utility.COST:
        # every score 0 or 1: the product is the cost utility, without a matrix of supports
        supports = election.scores if approval else election.scores > 0
        return supports * election.costs[np.newaxis, :]
    return election.scores


def budget_used(election: Election, selected: Iterable[int]) -> float:
    """The exact sum of the selected projects' costs, as a float."""
    return float(sum((exact(float(election.costs[j])) for j in selected), Fraction(0)))


def ineligible_reason(election: Election, j: int, threshold_failed: bool) -> Reason:
    """Why project `j` could not be selected under any rule."""
    if election.costs[j] > election.budget * (1 + TOLERANCE):
        return Reason.OVER_BUDGET
    if threshold_failed:
        return Reason.BELOW_MINIMUM
    return Reason.NOT_ELIGIBLE
