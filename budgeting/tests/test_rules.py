"""The counting rules: greedy variants, Equal Shares against an exact reference, add1."""

import random
from fractions import Fraction

import numpy as np
import pytest

from budgeting.counting.election import Election, Reason, Utility, tie_break_ranks, utilities
from budgeting.counting.equal_shares import equal_shares_add1
from budgeting.counting.registry import Rule, tally


def election(budget, projects, ballots, **kwargs):
    return Election.build(budget=budget, projects=projects, ballots=ballots, **kwargs)


# Greedy


def test_greedy_skips_a_project_that_does_not_fit_and_explains_the_budget_left():
    e = election(
        100,
        [("a", 60), ("b", 50), ("c", 40)],
        [{"a": 1, "b": 1}, {"a": 1, "b": 1, "c": 1}, {"a": 1}],
    )
    outcome = tally(e, Rule.GREEDY)
    assert outcome.selected == ("a", "c")
    assert outcome.budget_used == 100
    b = outcome.explanations["b"]
    assert not b.selected and b.budget_left_at_turn == 40 and b.score == 2
    assert outcome.explanations["c"].budget_left_at_turn == 40
    assert b.reason == Reason.DID_NOT_FIT and b.reason_params == {"cost": 50, "left": 40}


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit():
    e = election(
        100,
        [("a", 60), ("b", 50), ("c", 40)],
        [{"a": 1, "b": 1}, {"a": 1, "b": 1, "c": 1}, {"a": 1}],
    )
    outcome = tally(e, Rule.GREEDY_NO_SKIP)
    assert outcome.selected == ("a",)
    c = outcome.explanations["c"]
    assert c.reason == Reason.COUNTING_STOPPED and c.reason_params == {"project": "b"}


def test_greedy_no_skip_passes_over_a_project_dearer_than_the_whole_budget():
    # Wrocław 2017: a withdrawn project is priced out of reach and must not stop the count
    e = election(
        750,
        [("withdrawn", 999999), ("b", 750), ("c", 750)],
        [{"withdrawn": 1}] * 5 + [{"b": 1}] * 3,
    )
    assert tally(e, Rule.GREEDY_NO_SKIP).selected == ("b",)


def test_greedy_threshold_leaves_out_projects_under_the_minimum_score():
    e = election(100, [("a", 10), ("b", 10)], [{"a": 1, "b": 1}, {"a": 1}, {"a": 1}])
    assert tally(e, Rule.GREEDY_THRESHOLD, threshold=2).selected == ("a",)
    assert tally(e, Rule.GREEDY_THRESHOLD).selected == ("a", "b")


def test_cumulative_points_decide_the_greedy_order():
    e = election(10, [("a", 10), ("b", 10)], [{"a": 1, "b": 5}, {"a": 3}])
    assert tally(e, Rule.GREEDY).selected == ("b",)


def test_ties_go_to_the_cheaper_project_by_default_or_follow_the_tie_break():
    e = election(10, [("a", 10), ("b", 6)], [{"a": 1}, {"b": 1}])
    assert tally(e, Rule.GREEDY).selected == ("b",)
    assert tally(e, Rule.GREEDY, tie_break=("a", "b")).selected == ("a",)


def test_budget_with_decimals_is_counted_exactly():
    e = election(0.3, [("a", 0.1), ("b", 0.2)], [{"a": 1, "b": 1}])
    assert set(tally(e, Rule.GREEDY).selected) == {"a", "b"}


def test_voter_weights_count_as_that_many_voters():
    e = election(10, [("a", 10), ("b", 10)], [{"a": 1}, {"b": 1}], weights=[1, 3])
    assert tally(e, Rule.GREEDY).selected == ("b",)


def test_build_refuses_a_ballot_for_an_unknown_project():
    with pytest.raises(ValueError, match="unknown project"):
        election(10, [("a", 1)], [{"z": 1}])


# Equal Shares: an exact reference


def mes_exact(costs, util, per_voter, rank):
    """Equal Shares in Fractions, straight from the definition (tests only)."""
    n = len(util)
    money = [Fraction(per_voter)] * n
    candidates = [j for j in range(len(costs)) if costs[j] > 0 and any(u[j] for u in util)]
    selected = []
    while True:
        best = None
        for j in candidates:
            if j in selected:
                continue
            supporters = [i for i in range(n) if util[i][j] > 0]
            if sum(money[i] for i in supporters) < costs[j]:
                continue
            order = sorted(supporters, key=lambda i: money[i] / util[i][j])
            paid, left = Fraction(0), sum(Fraction(util[i][j]) for i in supporters)
            for i in order:
                rho = (costs[j] - paid) / left
                if rho * util[i][j] <= money[i]:
                    break
                paid += money[i]
                left -= util[i][j]
            if best is None or (rho, rank[j]) < best[0]:
                best = ((rho, rank[j]), j, rho)
        if best is None:
            return selected
        _, j, rho = best
        selected.append(j)
        for i in range(n):
            if util[i][j] > 0:
                money[i] -= min(money[i], rho * util[i][j])


def add1_exact(costs, util, budget, rank):
    """The one-unit definition, naively: raise every voter's money by 1 until overspending."""
    n = len(util)
    candidates = [j for j in range(len(costs)) if costs[j] > 0 and any(u[j] for u in util)]
    k, previous = 0, None
    while True:
        outcome = mes_exact(costs, util, Fraction(budget, n) + k, rank)
        if sum(costs[j] for j in outcome) > budget:
            return previous
        previous = outcome
        if len(outcome) == len(candidates):
            return outcome
        k += 1


def random_election(rng, *, approval):
    projects = rng.randint(2, 6)
    voters = rng.randint(2, 7)
    costs = [rng.choice([2, 3, 4, 6, 6, 8, 10]) for _ in range(projects)]
    ballots = []
    for _ in range(voters):
        ballot = {}
        for j in range(projects):
            if rng.random() < 0.5:
                ballot[str(j)] = 1 if approval else rng.randint(1, 3)
        ballots.append(ballot)
    budget = rng.choice([6, 10, 12, 15, 20])
    return election(budget, [(str(j), c) for j, c in enumerate(costs)], ballots)


@pytest.mark.parametrize("approval", [True, False])
@pytest.mark.parametrize("utility", [Utility.COST, Utility.POINTS])
def test_equal_shares_matches_an_exact_implementation_on_random_elections(approval, utility):
    rng = random.Random(8 + approval)
    for _ in range(150):
        e = random_election(rng, approval=approval)
        util = utilities(e, utility).astype(int).tolist()
        rank = tie_break_ranks(e, ())
        expected = mes_exact(
            [int(c) for c in e.costs], util, Fraction(int(e.budget), len(util)), rank
        )
        outcome = tally(e, Rule.EQUAL_SHARES, utility=utility)
        assert outcome.selected == tuple(str(j) for j in expected)


@pytest.mark.parametrize("approval", [True, False])
def test_add1_gives_the_winners_of_the_one_unit_definition(approval):
    rng = random.Random(80 + approval)
    for _ in range(60):
        e = random_election(rng, approval=approval)
        util = utilities(e).astype(int).tolist()
        rank = tie_break_ranks(e, ())
        expected = add1_exact([int(c) for c in e.costs], util, int(e.budget), rank)
        fast = tally(e, Rule.EQUAL_SHARES_ADD1)
        assert fast.selected == tuple(str(j) for j in expected)
        naive = equal_shares_add1(e, util=utilities(e), skip_ahead=False)
        assert naive.selected == fast.selected


@pytest.mark.parametrize("approval", [True, False])
def test_add1_skipping_ahead_matches_one_unit_steps_over_hundreds_of_units(approval):
    # budgets of hundreds of units per voter: the skip-ahead certifies long spans and bisects
    # around the budgets where the outcome changes; every result must be the unit loop's
    rng = random.Random(800 + approval)
    walked = 0
    for _ in range(40):
        projects = rng.randint(3, 8)
        costs = [rng.choice([100, 150, 230, 300, 420, 500, 777]) for _ in range(projects)]
        ballots = [
            {
                str(j): 1 if approval else rng.randint(1, 4)
                for j in range(projects)
                if rng.random() < 0.45
            }
            for _ in range(rng.randint(3, 9))
        ]
        e = election(
            rng.choice([900, 1200, 1750]), [(str(j), c) for j, c in enumerate(costs)], ballots
        )
        naive = equal_shares_add1(e, skip_ahead=False)
        fast = equal_shares_add1(e)
        assert fast.selected == naive.selected
        assert fast.per_voter_budget == naive.per_voter_budget
        walked += naive.per_voter_budget - e.budget / len(ballots)
    assert walked > 1000  # the elections really walk many units


def test_equal_shares_explains_winners_and_losers():
    # 4 voters, 10 each; "big" needs 30 but only 2 voters (20) back it
    e = election(
        40,
        [("small", 8), ("big", 30)],
        [{"small": 1, "big": 1}, {"small": 1, "big": 1}, {"small": 1}, {"small": 1}],
    )
    outcome = tally(e, Rule.EQUAL_SHARES, utility=Utility.POINTS)
    assert outcome.selected == ("small",)
    small, big = outcome.explanations["small"], outcome.explanations["big"]
    assert small.price_per_supporter == pytest.approx(2)
    assert small.supporters_money == pytest.approx(40)
    assert big.supporters_money == pytest.approx(16)
    assert not big.selected and big.reason == Reason.UNAFFORDABLE
    assert big.reason_params == {"count": 2, "money": pytest.approx(16), "cost": 30, "share": 15}
    assert outcome.per_voter_budget == pytest.approx(10)


def test_equal_shares_is_proportional_where_greedy_is_not():
    # 60% want a, b, c; 40% want x, y: greedy gives everything to the majority
    ballots = [{"a": 1, "b": 1, "c": 1}] * 6 + [{"x": 1, "y": 1}] * 4
    e = election(50, [(p, 10) for p in "abcxy"], ballots)
    assert set(tally(e, Rule.GREEDY).selected) == {"a", "b", "c", "x", "y"}
    e = election(30, [(p, 10) for p in "abcxy"], ballots)
    assert set(tally(e, Rule.GREEDY).selected) == {"a", "b", "c"}
    assert set(tally(e, Rule.EQUAL_SHARES_ADD1).selected) == {"a", "b", "x"}


def test_comparison_keeps_equal_shares_unless_more_voters_prefer_greedy():
    ballots = [{"a": 1, "b": 1, "c": 1}] * 6 + [{"x": 1, "y": 1}] * 4
    e = election(30, [(p, 10) for p in "abcxy"], ballots)
    # 6 voters prefer greedy's a, b, c: the comparison picks greedy
    assert set(tally(e, Rule.EQUAL_SHARES_ADD1_COMPARISON).selected) == {"a", "b", "c"}


def test_utilities_default_to_cost_on_approval_and_points_otherwise():
    approval = election(10, [("a", 4), ("b", 6)], [{"a": 1}, {"b": 1}])
    points = election(10, [("a", 4), ("b", 6)], [{"a": 2}, {"b": 1}])
    assert utilities(approval).tolist() == [[4, 0], [0, 6]]
    assert utilities(points).tolist() == [[2, 0], [0, 1]]
    assert isinstance(utilities(points), np.ndarray)
