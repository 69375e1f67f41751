"""The counting rules: one registry, and everything else derived from it.

Adding a rule is one function, `(election, setup) -> Outcome`, and one `RuleSpec` in `RULES`.
The `Rule` enum, `tally`, the `--rule` choices of `python -m budgeting.counting` and
`manage.py pb_tally`, and the choices of the budgeting model's `CountingRule` all come from
here (a test ties the model's choices to this registry).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from budgeting.counting.election import (
    Election,
    Outcome,
    Utility,
    gettext_noop,
    projects_eligible,
    tie_break_ranks,
    utilities,
)
from budgeting.counting.equal_shares import equal_shares, equal_shares_add1, popularity_comparison
from budgeting.counting.greedy import greedy


@dataclass(frozen=True)
class CountSetup:
    """What `tally` prepares for every rule from its arguments."""

    rule: str  # the key of the rule being counted (it names the outcome)
    eligible: np.ndarray  # per project: may it be selected at all (budget, minimum score)
    rank: np.ndarray  # per project: its place in the tie-break order (0 wins every tie)
    utility: Utility  # what a voter gains from a project, for Equal Shares

    def utilities(self, election: Election) -> np.ndarray:
        """The voters x projects utility matrix of `election` under this setup."""
        return utilities(election, self.utility)


@dataclass(frozen=True)
class RuleSpec:
    """One counting rule."""

    name: str  # its member name in `Rule` and in the model's `CountingRule`
    key: str  # the value stored on processes, and pabulib's META `rule`
    label: str  # what people read (marked for translation catalogues, translated by the host)
    count: Callable[[Election, CountSetup], Outcome]
    # offered to processes (the model's choices); False: only for counting pabulib files
    processes: bool = True
    # a process's minimum score applies under this rule (and only under rules that say so)
    threshold: bool = False


def _greedy(election: Election, setup: CountSetup) -> Outcome:
    return greedy(election, rule=setup.rule, eligible=setup.eligible, rank=setup.rank, skip=True)


def _greedy_no_skip(election: Election, setup: CountSetup) -> Outcome:
    return greedy(election, rule=setup.rule, eligible=setup.eligible, rank=setup.rank, skip=False)


def _equal_shares(election: Election, setup: CountSetup) -> Outcome:
    return equal_shares(
        election,
        rule=setup.rule,
        eligible=setup.eligible,
        rank=setup.rank,
        util=setup.utilities(election),
    )


def _equal_shares_add1(election: Election, setup: CountSetup) -> Outcome:
    return equal_shares_add1(
        election,
        rule=setup.rule,
        eligible=setup.eligible,
        rank=setup.rank,
        util=setup.utilities(election),
    )


def _equal_shares_add1_comparison(election: Election, setup: CountSetup) -> Outcome:
    util = setup.utilities(election)
    add1 = equal_shares_add1(
        election, rule=setup.rule, eligible=setup.eligible, rank=setup.rank, util=util
    )
    other = greedy(election, rule="greedy", eligible=setup.eligible, rank=setup.rank, skip=True)
    return popularity_comparison(election, add1, other, util=util, rule=setup.rule)


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        "GREEDY",
        "greedy",  # by score, skip what does not fit
        gettext_noop("Greedy by votes (skip projects that do not fit)"),
        _greedy,
    ),
    RuleSpec(
        "GREEDY_NO_SKIP",
        "greedy-no-skip",  # by score, stop at the first project that does not fit
        gettext_noop("Greedy by votes, stop at the first that does not fit"),
        _greedy_no_skip,
    ),
    RuleSpec(
        "GREEDY_THRESHOLD",
        "greedy-threshold",  # greedy over projects scoring at least the threshold
        gettext_noop("Greedy by votes with a minimum score"),
        _greedy,
        threshold=True,
    ),
    RuleSpec(
        "EQUAL_SHARES",
        "equalshares",  # Method of Equal Shares alone
        gettext_noop("Method of Equal Shares"),
        _equal_shares,
    ),
    RuleSpec(
        "EQUAL_SHARES_ADD1",
        "equalshares/add1",  # MES, per-voter budget raised one unit at a time
        gettext_noop("Method of Equal Shares, completed by raising the per-voter budget"),
        _equal_shares_add1,
    ),
    # MES/add1, then kept only if at least as many voters prefer it to the greedy outcome
    # (pabulib files only: Wieliczka's "Zielony Milion")
    RuleSpec(
        "EQUAL_SHARES_ADD1_COMPARISON",
        "equalshares/add1-comparison",
        gettext_noop(
            "Method of Equal Shares completed by raising the per-voter budget, kept unless "
            "more voters prefer the greedy outcome"
        ),
        _equal_shares_add1_comparison,
        processes=False,
    ),
)

# The rules' keys as an enum: Rule.GREEDY == "greedy"
Rule = StrEnum("Rule", [(spec.name, spec.key) for spec in RULES], module=__name__)  # type: ignore[misc]

_BY_KEY: dict[str, RuleSpec] = {spec.key: spec for spec in RULES}


def rule_spec(rule: str) -> RuleSpec:
    """The registry entry of `rule` (a key or a `Rule`); ValueError if there is none."""
    return _BY_KEY[Rule(rule).value]


def tally(
    election: Election,
    rule: str,
    *,
    threshold: float = 0,
    tie_break: Sequence[str] = (),
    utility: Utility | str = Utility.AUTO,
) -> Outcome:
    """Select projects from `election` under `rule` (a key of `RULES` or a `Rule`); ties go to
    the project earlier in `tie_break` (by default: lower cost, then ballot order).

    Projects scoring below `threshold` (if above 0) are not eligible under any rule, nor are
    projects costing more than the whole budget. `utility` only matters for Equal Shares.
    Raises ValueError for an unknown rule or utility.
    """
    spec = rule_spec(rule)
    setup = CountSetup(
        rule=spec.key,
        eligible=projects_eligible(election, threshold),
        rank=tie_break_ranks(election, tie_break),
        utility=Utility(utility),
    )
    return spec.count(election, setup)
