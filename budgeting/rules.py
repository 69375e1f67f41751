"""Counting rules for participatory budgeting: pure functions over numpy arrays.

CONTRACT (filled in by the rules work; the process, results page and commands code against it):

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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np


class Rule(StrEnum):
    GREEDY = "greedy"  # by score, skip what does not fit
    GREEDY_NO_SKIP = "greedy-no-skip"  # by score, stop at the first project that does not fit
    GREEDY_THRESHOLD = "greedy-threshold"  # greedy over projects scoring at least the threshold
    EQUAL_SHARES = "equalshares"  # Method of Equal Shares alone
    EQUAL_SHARES_ADD1 = "equalshares/add1"  # MES, per-voter budget raised one unit at a time


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
    ) -> Election:
        """An election from plain Python values (see the module docstring)."""
        raise NotImplementedError


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


@dataclass(frozen=True)
class Outcome:
    rule: str
    selected: tuple[str, ...]
    budget_used: float
    explanations: dict[str, ProjectExplanation] = field(default_factory=dict)


def tally(
    election: Election,
    rule: Rule | str,
    *,
    threshold: float = 0,
    tie_break: Sequence[str] = (),
) -> Outcome:
    """Select projects from `election` under `rule`; ties go to the project earlier in
    `tie_break` (by default: lower cost, then ballot order)."""
    raise NotImplementedError
