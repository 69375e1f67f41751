"""The fast Equal Shares run behind add1: lazy evaluation and its shortcuts change nothing.

`mes_run` recomputes a project's price per unit of utility (rho) only when the project
reaches the top of a heap ordered by its last known rho, relying on rho never falling within a
run. These tests compare it with an eager run that recomputes every project every round (with
its own, sort-based rho), check that the lower bounds it records for the add1 proofs really
are lower bounds, and that the shortcuts inside `rho_compute` give the same numbers to the last bit.
"""

import random
from pathlib import Path

import numpy as np
import pytest

from budgeting.counting import mes
from budgeting.counting.election import TOLERANCE, Election, Utility, tie_break_ranks, utilities
from budgeting.counting.equal_shares import _proven_rounds, equal_shares
from budgeting.counting.mes import Supporters, mes_run, rho_compute
from budgeting.counting.pabulib import election_from_pabulib, pabulib_read

DATA = Path(__file__).parent / "data"


def sorted_rho(money, util, weight, cost):
    """rho by the textbook method: supporters in order of money / utility, the poorest pay all
    they have while that is less than their share at the price the rest must then pay."""
    order = np.argsort(money / util, kind="stable")
    paid = 0.0
    rich_util = float((weight * util).sum())
    for i in order:
        rho = (cost - paid) / rich_util
        if money[i] >= rho * util[i] * (1 - TOLERANCE):
            return rho
        paid += weight[i] * money[i]
        rich_util -= weight[i] * util[i]
    return float((money / util).max())


def eager_run(election, util, rank, per_voter):
    """Equal Shares recomputing every affordable project every round (tests only). Returns the
    projects bought and, per round, every affordable project's rho at that round."""
    money = np.full(util.shape[0], per_voter)
    weight = election.voter_weights
    left = [j for j in range(len(election.costs)) if election.costs[j] > 0 and util[:, j].any()]
    bought, prices = [], []
    while True:
        rhos = {}
        for j in left:
            who = util[:, j] > 0
            cost = float(election.costs[j])
            if float(weight[who] @ money[who]) < cost * (1 - TOLERANCE):
                continue
            rhos[j] = sorted_rho(money[who], util[who, j], weight[who], cost)
        if not rhos:
            return bought, prices
        lowest = min(rhos.values())
        j = min((q for q in rhos if rhos[q] <= lowest * (1 + TOLERANCE)), key=lambda q: rank[q])
        who = util[:, j] > 0
        money[who] = np.maximum(money[who] - rhos[j] * util[who, j], 0.0)
        money[who & (money < per_voter * 1e-12)] = 0.0
        bought.append(j)
        prices.append(rhos)
        left.remove(j)


def random_election(rng, *, kind):
    """Approval, points or weighted ballots; costs drawn from a few values, so that many
    projects tie, and ballots copied from templates, so that many voters hold the same money."""
    projects = rng.randint(3, 9)
    costs = [rng.choice([100, 100, 150, 300, 300, 420]) for _ in range(projects)]
    templates = [{j for j in range(projects) if rng.random() < 0.45} for _ in range(4)]
    ballots = []
    for _ in range(rng.randint(3, 16)):
        chosen = set(rng.choice(templates))
        if rng.random() < 0.4:
            chosen ^= {rng.randrange(projects)}
        ballots.append(
            {str(j): (rng.randint(1, 3) if kind == "points" else 1) for j in sorted(chosen)}
        )
    weights = [rng.randint(1, 4) for _ in ballots] if kind == "weighted" else None
    return Election.build(
        budget=rng.choice([600, 900, 1200]),
        projects=[(str(j), c) for j, c in enumerate(costs)],
        ballots=ballots,
        weights=weights,
    )


@pytest.mark.parametrize("kind", ["approval", "points", "weighted"])
def test_lazy_run_buys_what_an_eager_run_buys_at_the_same_prices(kind):
    rng = random.Random(5150 + ["approval", "points", "weighted"].index(kind))
    compared = 0
    for _ in range(40):
        e = random_election(rng, kind=kind)
        util = utilities(e)
        rank = tie_break_ranks(e, ())
        sup = Supporters.build(util, e.voter_weights)
        eligible = e.costs <= e.budget
        start = e.budget / float(e.voter_weights.sum())
        for extra in (0, 7, 40, 150):  # add1 runs the same elections with more money each
            run = mes_run(e, sup, eligible, rank, start + extra)
            bought, prices = eager_run(e, util, rank, start + extra)
            assert run.selected == bought
            for r, j in enumerate(bought):
                assert run.rhos[r] == pytest.approx(prices[r][j], rel=1e-9)
                # the bounds behind the add1 proofs: never above a rival's real rho
                rivals = [rho for q, rho in prices[r].items() if q != j]
                better = [rho for q, rho in prices[r].items() if rank[q] < rank[j]]
                assert run.lower_all[r] <= min(rivals, default=np.inf) * (1 + 1e-12)
                assert run.lower_better[r] <= min(better, default=np.inf) * (1 + 1e-12)
            compared += len(bought)
    assert compared > 300  # the elections really buy many projects


@pytest.mark.parametrize("kind", ["approval", "points", "weighted"])
def test_targets_and_known_rounds_change_no_choice(kind):
    # add1's bisection runs with another run's rhos as targets and with proven rounds replayed:
    # the outcome, prices and money left must be those of a plain run
    rng = random.Random(77 + len(kind))
    for _ in range(30):
        e = random_election(rng, kind=kind)
        rank = tie_break_ranks(e, ())
        sup = Supporters.build(utilities(e), e.voter_weights)
        eligible = e.costs <= e.budget
        start = e.budget / float(e.voter_weights.sum())
        low = mes_run(e, sup, eligible, rank, start + 20)
        high = mes_run(e, sup, eligible, rank, start + 40, low.rhos)
        free = len(low.selected) - len(low.rhos)
        known = low.selected[free : free + _proven_rounds(low, high)]
        plain = mes_run(e, sup, eligible, rank, start + 30)
        replayed = mes_run(e, sup, eligible, rank, start + 30, low.rhos, known)
        assert replayed.selected == plain.selected
        assert replayed.rhos == plain.rhos
        assert (replayed.budgets == plain.budgets).all()
        assert mes_run(e, sup, eligible, rank, start + 40).selected == high.selected


def test_the_shortcut_for_equal_whole_utilities_gives_the_same_rho_to_the_last_bit():
    rng = np.random.default_rng(3)
    for _ in range(300):
        size = int(rng.integers(1, 60))
        cost = float(rng.choice([100, 250, 300, 12_000_000]))
        money = rng.choice([0.0, cost / size, rng.random() * cost / 4], size=size)
        money = np.where(rng.random(size) < 0.5, money, rng.random(size) * cost / size * 3)
        util = np.full(size, cost)
        weight = np.ones(size)
        assert mes._uniform(util, weight) == cost
        if weight @ money < cost * (1 - TOLERANCE):
            continue
        general_rho, general_poor = rho_compute(money, util, weight, cost)
        fast_rho, fast_poor = rho_compute(money, util, weight, cost, util, True, cost)
        assert fast_rho == general_rho
        assert (fast_poor == general_poor).all()


def test_the_shortcut_is_refused_where_sums_might_round():
    assert mes._uniform(np.array([3.0, 3.0]), np.array([1.0, 2.0])) is None  # weights
    assert mes._uniform(np.array([3.0, 2.0]), np.ones(2)) is None  # points differ
    assert mes._uniform(np.array([0.5, 0.5]), np.ones(2)) is None  # not whole
    assert mes._uniform(np.full(4, 2.0**52), np.ones(4)) is None  # sums past 2**53
    assert mes._uniform(np.full(4, 7.0), np.ones(4)) == 7.0


def test_a_run_on_budapest_computes_few_rhos(monkeypatch):
    # 175 projects, 28,943 voters, 19 rounds: recomputing every project every round would be
    # over 3,000 rho computations; lazily, a run needs a few per round
    parsed = election_from_pabulib(pabulib_read(DATA / "Hungary_Budapest_2024.pb.gz"))
    calls = []
    real_rho = mes.rho_compute

    def counting_rho(*args):
        calls.append(1)
        return real_rho(*args)

    monkeypatch.setattr(mes, "rho_compute", counting_rho)
    outcome = equal_shares(parsed.election, util=utilities(parsed.election, Utility.AUTO))
    rounds = max(x.round or 0 for x in outcome.explanations.values())
    assert len(outcome.selected) == rounds == 19
    assert len(calls) <= 3 * rounds
