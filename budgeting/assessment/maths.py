"""The published arithmetic of PB after the vote: success scores, bonus pools and the ledger.

Pure functions over plain values (no database), so that anyone can check a published
assessment by hand. Money is handled in whole cents (``int``) so that every split adds up
exactly; `cents` and `from_cents` convert.

The success formula
-------------------
For each indicator (one per impact criterion that citizens chose)::

    progress = clamp((measured - baseline) / (target - baseline), 0, 1)

Only a *verified* measurement counts; an indicator without one counts 0. A target below the
baseline means "less is better" and works the same way (the signs cancel). A target equal to
the baseline is met (progress 1) when the measured value reaches it in the right direction.

    score = clamp(mean(progress) + effect_weight * (good effects - bad effects), 0, 1)

where only unexpected effects flagged to count in the assessment are counted. The project
succeeds when ``score >= threshold``.

Worked example: two indicators, "weekly visitors" baseline 0, target 200, measured 150 (0.75)
and "satisfaction" baseline 3.0, target 4.0, measured 4.5 (clamped to 1.0); one counted good
effect, effect weight 0.05: score = (0.75 + 1.0) / 2 + 0.05 = 0.925, a success at threshold 0.6.

Bonuses
-------
The pool (frozen with the rule when voting opens) is committed to the funded projects in
proportion to their cost, by the largest-remainder method in cents, so the commitments add up
to the pool exactly. After evaluation a project's commitment is *released* when it succeeded and
citizens confirmed the assessment, otherwise *forfeited*; until then it stays *committed*.
A released bonus goes ``champion_share`` per cent to the champion and the rest to the civil
servants in equal parts (the cent that does not divide goes to the first); without civil
servants all of it goes to the champion, without a champion all of it to the civil servants.

Worked example: pool 10,000.00, projects costing 50,000 and 30,000 and 20,000 get 5,000.00,
3,000.00 and 2,000.00; the first succeeds (released: champion share 40 % gives the champion
2,000.00 and each of its three civil servants 1,000.00), the second fails (3,000.00
forfeited), the third is still being evaluated (2,000.00 committed):
5,000 + 3,000 + 2,000 = 10,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# the ledger's states of a project's share of the pool
COMMITTED = "committed"
RELEASED = "released"
FORFEITED = "forfeited"
LEDGER_STATES: tuple[str, ...] = (COMMITTED, RELEASED, FORFEITED)


def cents(amount: Decimal | int | str) -> int:
    """An amount of money in whole cents (half a cent rounds up): ``cents("12.345") == 1235``."""
    return int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_cents(value: int) -> Decimal:
    """Whole cents as an amount: ``from_cents(1235) == Decimal("12.35")``."""
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator as the formula sees it; `measured` counts only when `verified`."""

    baseline: float
    target: float
    measured: float | None
    verified: bool


@dataclass(frozen=True)
class EffectValue:
    """An unexpected effect: good or bad, and whether it counts in the assessment."""

    good: bool
    counts: bool


@dataclass(frozen=True)
class Score:
    """A success score with its parts, as the assessment page shows them."""

    progress: tuple[float, ...]
    indicator_mean: float
    effects_adjustment: float
    value: float
    success: bool


def indicator_progress(*, baseline: float, target: float, measured: float) -> float:
    """How far the measured value got from the baseline towards the target, between 0 and 1.

    >>> indicator_progress(baseline=0, target=200, measured=150)
    0.75
    >>> indicator_progress(baseline=40, target=20, measured=30)  # less is better
    0.5
    >>> indicator_progress(baseline=3, target=4, measured=4.5)
    1.0
    >>> indicator_progress(baseline=10, target=20, measured=5)
    0.0
    """
    if target == baseline:
        return 1.0 if measured >= target else 0.0
    return clamp((measured - baseline) / (target - baseline))


def success_score(
    *,
    indicators: Sequence[IndicatorValue],
    effects: Sequence[EffectValue] = (),
    effect_weight: float = 0.05,
    threshold: float = 0.6,
) -> Score:
    """The project's success score by the published formula (see the module docstring).

    >>> s = success_score(
    ...     indicators=[IndicatorValue(0, 200, 150, True), IndicatorValue(3, 4, 4.5, True)],
    ...     effects=[EffectValue(good=True, counts=True), EffectValue(good=False, counts=False)],
    ... )
    >>> round(s.value, 3), s.success
    (0.925, True)

    Without any indicator the mean is 0: a project cannot succeed on effects it was not
    asked to have unless they alone reach the threshold.
    """
    progress = tuple(
        indicator_progress(baseline=i.baseline, target=i.target, measured=i.measured)
        if i.verified and i.measured is not None
        else 0.0
        for i in indicators
    )
    mean = sum(progress) / len(progress) if progress else 0.0
    counted = [effect for effect in effects if effect.counts]
    adjustment = effect_weight * (
        sum(1 for e in counted if e.good) - sum(1 for e in counted if not e.good)
    )
    value = clamp(mean + adjustment)
    # compare with a small tolerance so that 0.6 computed as 0.6000000000000001 or
    # 0.5999999999999999 gives the answer a person computing by hand gets
    return Score(progress, mean, adjustment, value, value >= threshold - 1e-9)


def criteria_chosen(
    *, counts: Sequence[tuple[str, int]], voters: int, top_n: int, min_share: Decimal | float
) -> list[str]:
    """The criteria that define success: those chosen by at least `min_share` per cent of the
    `voters` who chose criteria, the `top_n` most chosen of them (ties: the earlier on the list).

    `counts` lists (criterion key, how many voters chose it) in the list's order.

    >>> criteria_chosen(
    ...     counts=[("use", 50), ("shape", 8), ("safety", 30), ("cost", 30)],
    ...     voters=80, top_n=2, min_share=10,
    ... )
    ['use', 'safety']
    >>> criteria_chosen(counts=[("use", 0)], voters=0, top_n=3, min_share=10)
    []
    """
    if voters <= 0 or top_n <= 0:
        return []
    eligible = [
        (index, key, count)
        for index, (key, count) in enumerate(counts)
        if count > 0 and Decimal(count) * 100 >= Decimal(str(min_share)) * voters
    ]
    eligible.sort(key=lambda row: (-row[2], row[0]))
    return [key for _index, key, _count in eligible[:top_n]]


def largest_remainder(total: int, weights: Sequence[float | int | Decimal]) -> list[int]:
    """Split `total` whole units in proportion to `weights`; the parts add up to `total`.

    Every part gets the whole units of its exact share; the units left over go to the largest
    fractional remainders (ties to the earlier part). All-zero weights split equally.

    >>> largest_remainder(10, [1, 1, 1])
    [4, 3, 3]
    >>> largest_remainder(1_000_000, [50_000, 30_000, 20_000])
    [500000, 300000, 200000]
    >>> largest_remainder(5, [])
    []
    """
    if not weights:
        return []
    exact = [Decimal(w) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError("weights cannot be negative")
    whole = sum(exact)
    if whole == 0:
        exact = [Decimal(1)] * len(exact)
        whole = Decimal(len(exact))
    shares = [Decimal(total) * w / whole for w in exact]
    parts = [int(share) for share in shares]
    left = total - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def bonus_split(
    *, amount: int, champion_share: Decimal | int, servants: int, has_champion: bool = True
) -> tuple[int, list[int]]:
    """Split a released bonus (cents) between the champion and the civil servants.

    Returns (champion's cents, each civil servant's cents); they add up to `amount`.

    >>> bonus_split(amount=500_000, champion_share=40, servants=3)
    (200000, [100000, 100000, 100000])
    >>> bonus_split(amount=100, champion_share=50, servants=3)
    (50, [17, 17, 16])
    >>> bonus_split(amount=100, champion_share=50, servants=0)
    (100, [])
    """
    if not 0 <= Decimal(champion_share) <= 100:
        raise ValueError("the champion's share is a percentage between 0 and 100")
    if servants == 0 and has_champion:
        return amount, []
    if not has_champion:
        champion = 0
    else:
        champion = int(
            (Decimal(amount) * Decimal(champion_share) / 100).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        )
    if servants == 0:  # nobody to pay: the caller treats the amount as forfeited
        return champion, []
    return champion, largest_remainder(amount - champion, [1] * servants)


@dataclass
class LedgerProject:
    """A funded project as the ledger sees it."""

    key: str
    title: str
    cost: Decimal
    state: str = COMMITTED  # one of LEDGER_STATES
    champion: str = ""
    servants: tuple[str, ...] = ()


@dataclass
class LedgerRow:
    key: str
    title: str
    state: str
    amount: int  # cents
    champion_amount: int = 0
    servant_amounts: tuple[tuple[str, int], ...] = ()
    champion: str = ""


@dataclass
class Ledger:
    pool: int  # cents
    rows: list[LedgerRow] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


def ledger_build(
    *, pool: int, projects: Sequence[LedgerProject], champion_share: Decimal | int
) -> Ledger:
    """The public ledger: the pool committed to funded projects and what became of each share.

    Totals are kept per state; ``sum(totals.values()) == pool`` always. A pool with no funded
    project to commit it to is forfeited whole (a row without a project).

    >>> ledger = ledger_build(
    ...     pool=1_000_000,
    ...     projects=[
    ...         LedgerProject("a", "A", Decimal(50000), RELEASED, "ann", ("sam", "sue", "sid")),
    ...         LedgerProject("b", "B", Decimal(30000), FORFEITED),
    ...         LedgerProject("c", "C", Decimal(20000)),
    ...     ],
    ...     champion_share=40,
    ... )
    >>> ledger.totals
    {'committed': 200000, 'released': 500000, 'forfeited': 300000}
    >>> ledger.rows[0].champion_amount, ledger.rows[0].servant_amounts[0]
    (200000, ('sam', 100000))
    """
    if pool < 0:
        raise ValueError("the pool cannot be negative")
    rows: list[LedgerRow] = []
    totals = dict.fromkeys(LEDGER_STATES, 0)
    if not projects:
        if pool:
            rows.append(LedgerRow("", "", FORFEITED, pool))
        totals[FORFEITED] = pool
        return Ledger(pool, rows, totals)
    shares = largest_remainder(pool, [project.cost for project in projects])
    for project, share in zip(projects, shares, strict=True):
        if project.state not in LEDGER_STATES:
            raise ValueError(f"unknown ledger state {project.state!r}")
        row = LedgerRow(project.key, project.title, project.state, share, champion=project.champion)
        if project.state == RELEASED:
            champion, servants = bonus_split(
                amount=share,
                champion_share=champion_share,
                servants=len(project.servants),
                has_champion=bool(project.champion),
            )
            if not project.servants and not project.champion:
                row.state = FORFEITED  # nobody to pay
            else:
                row.champion_amount = champion
                row.servant_amounts = tuple(zip(project.servants, servants, strict=True))
        totals[row.state] += share
        rows.append(row)
    return Ledger(pool, rows, totals)
