"""The published success formula, the bonus split and the ledger arithmetic (assessment.maths)."""

import doctest
import random
from decimal import Decimal

import pytest

from budgeting.assessment import maths
from budgeting.assessment.maths import (
    COMMITTED,
    FORFEITED,
    RELEASED,
    EffectValue,
    IndicatorValue,
    LedgerProject,
)


def test_the_worked_examples_in_the_docstrings_hold():
    result = doctest.testmod(maths, raise_on_error=False)
    assert result.attempted >= 10
    assert result.failed == 0


@pytest.mark.parametrize(
    ("baseline", "target", "measured", "progress"),
    [
        (0, 200, 150, 0.75),  # three quarters of the way
        (0, 200, 250, 1.0),  # beyond the target counts as the target
        (10, 20, 5, 0.0),  # worse than the baseline counts 0, never negative
        (40, 20, 30, 0.5),  # less is better: half-way down
        (40, 20, 10, 1.0),
        (5, 5, 5, 1.0),  # target equal to the baseline: met when reached
        (5, 5, 4, 0.0),
    ],
)
def test_indicator_progress(baseline, target, measured, progress):
    assert maths.indicator_progress(
        baseline=baseline, target=target, measured=measured
    ) == pytest.approx(progress)


def test_the_module_worked_example_scores_0_925_and_succeeds():
    score = maths.success_score(
        indicators=[IndicatorValue(0, 200, 150, True), IndicatorValue(3.0, 4.0, 4.5, True)],
        effects=[EffectValue(good=True, counts=True)],
        effect_weight=0.05,
        threshold=0.6,
    )
    assert score.progress == (0.75, 1.0)
    assert score.value == pytest.approx(0.925)
    assert score.success


def test_only_verified_values_count():
    verified = IndicatorValue(0, 100, 100, True)
    unverified = IndicatorValue(0, 100, 100, False)
    score = maths.success_score(indicators=[verified, unverified], threshold=0.6)
    assert score.progress == (1.0, 0.0)
    assert score.value == pytest.approx(0.5)
    assert not score.success


def test_effects_count_only_when_flagged_and_bad_ones_subtract():
    indicators = [IndicatorValue(0, 100, 60, True)]
    uncounted = maths.success_score(
        indicators=indicators, effects=[EffectValue(good=False, counts=False)], threshold=0.6
    )
    assert uncounted.value == pytest.approx(0.6) and uncounted.success
    counted = maths.success_score(
        indicators=indicators,
        effects=[EffectValue(good=False, counts=True)],
        effect_weight=0.05,
        threshold=0.6,
    )
    assert counted.value == pytest.approx(0.55) and not counted.success


def test_score_stays_between_0_and_1():
    many_good = [EffectValue(good=True, counts=True)] * 30
    assert maths.success_score(indicators=[], effects=many_good).value == 1.0
    many_bad = [EffectValue(good=False, counts=True)] * 30
    assert (
        maths.success_score(indicators=[IndicatorValue(0, 1, 1, True)], effects=many_bad).value
        == 0.0
    )


def test_criteria_rule_takes_the_most_chosen_above_the_minimum_share():
    counts = [("use", 50), ("shape", 8), ("safety", 30), ("cost", 30)]
    assert maths.criteria_chosen(counts=counts, voters=80, top_n=2, min_share=10) == [
        "use",
        "safety",
    ]
    # "shape" has 8 of 80 = 10 %: exactly the minimum is enough
    assert "shape" in maths.criteria_chosen(counts=counts, voters=80, top_n=4, min_share=10)
    assert "shape" not in maths.criteria_chosen(counts=counts, voters=80, top_n=4, min_share=11)


def test_bonus_split_by_the_configured_ratio():
    assert maths.bonus_split(amount=500_000, champion_share=40, servants=3) == (
        200_000,
        [100_000, 100_000, 100_000],
    )
    assert maths.bonus_split(amount=100, champion_share=50, servants=3) == (50, [17, 17, 16])
    # without civil servants the champion gets it all; without a champion the servants do
    assert maths.bonus_split(amount=999, champion_share=30, servants=0) == (999, [])
    assert maths.bonus_split(amount=999, champion_share=30, servants=2, has_champion=False) == (
        0,
        [500, 499],
    )
    with pytest.raises(ValueError):
        maths.bonus_split(amount=1, champion_share=101, servants=1)


def test_the_ledger_worked_example():
    ledger = maths.ledger_build(
        pool=maths.cents("10000"),
        projects=[
            LedgerProject("a", "A", Decimal(50000), RELEASED, "ann", ("sam", "sue", "sid")),
            LedgerProject("b", "B", Decimal(30000), FORFEITED, "bob"),
            LedgerProject("c", "C", Decimal(20000), COMMITTED, "cid"),
        ],
        champion_share=40,
    )
    assert [maths.from_cents(row.amount) for row in ledger.rows] == [
        Decimal("5000.00"),
        Decimal("3000.00"),
        Decimal("2000.00"),
    ]
    assert ledger.rows[0].champion_amount == maths.cents("2000")
    assert [amount for _name, amount in ledger.rows[0].servant_amounts] == [100_000] * 3
    assert ledger.totals == {COMMITTED: 200_000, RELEASED: 500_000, FORFEITED: 300_000}


def test_a_pool_without_funded_projects_is_forfeited_whole():
    ledger = maths.ledger_build(pool=12_345, projects=[], champion_share=50)
    assert ledger.totals[FORFEITED] == 12_345
    assert sum(ledger.totals.values()) == 12_345


def test_the_ledger_totals_always_equal_the_pool():
    rng = random.Random(9)
    for _case in range(2000):
        pool = rng.choice([0, 1, 99, rng.randrange(0, 10**9)])
        projects = [
            LedgerProject(
                key=str(i),
                title=f"P{i}",
                cost=Decimal(rng.choice([0, rng.randrange(1, 10**7)])) / 100,
                state=rng.choice([COMMITTED, RELEASED, FORFEITED]),
                champion=rng.choice(["", "champ"]),
                servants=tuple(f"s{j}" for j in range(rng.randrange(0, 5))),
            )
            for i in range(rng.randrange(0, 12))
        ]
        share = Decimal(rng.randrange(0, 10001)) / 100
        ledger = maths.ledger_build(pool=pool, projects=projects, champion_share=share)
        assert sum(ledger.totals.values()) == pool
        assert sum(row.amount for row in ledger.rows) == pool
        for row in ledger.rows:
            assert row.amount >= 0
            if row.state == RELEASED:
                paid = row.champion_amount + sum(amount for _n, amount in row.servant_amounts)
                assert paid == row.amount


def test_money_converts_to_cents_and_back():
    assert maths.cents("12.345") == 1235
    assert maths.from_cents(1235) == Decimal("12.35")
    assert maths.cents(Decimal("0.1")) * 3 == maths.cents(Decimal("0.3"))
