"""add1 where projects are nearly tied: equal or almost equal costs, many alike voters.

Near-ties are where the skip-ahead search has the least room: two projects' prices per unit of
utility stay close over many units, so spans cannot be certified wholesale. Every result must
still be exactly the one-unit definition's (`skip_ahead=False` walks the units one by one), and
on small elections the exact Fraction implementation's.
"""

import random

import pytest

from budgeting.counting.election import Election, Utility, tie_break_ranks, utilities
from budgeting.counting.equal_shares import _certified, equal_shares_add1
from budgeting.counting.mes import Supporters, mes_run
from budgeting.counting.registry import Rule, tally
from budgeting.tests.test_rules import add1_exact


def near_tie_election(rng, *, approval, voters, projects, spread):
    """Costs all within `spread` of 300; ballots copied from a few templates with small edits,
    so that many voters hold the same money and prices per unit of utility nearly tie."""
    costs = [300 + rng.randint(0, spread) for _ in range(projects)]
    templates = [{str(j) for j in range(projects) if rng.random() < 0.5} or {"0"} for _ in range(3)]
    ballots = []
    for _ in range(voters):
        chosen = set(rng.choice(templates))
        if rng.random() < 0.3:
            chosen ^= {str(rng.randrange(projects))}
        ballots.append({pid: 1 if approval else rng.randint(1, 3) for pid in sorted(chosen)})
    budget = rng.choice([900, 1200, 1500, 2000])
    return Election.build(
        budget=budget, projects=[(str(j), c) for j, c in enumerate(costs)], ballots=ballots
    )


@pytest.mark.parametrize("approval", [True, False])
@pytest.mark.parametrize("spread", [0, 3])
def test_add1_matches_one_unit_steps_when_prices_nearly_tie(approval, spread):
    rng = random.Random(4200 + 10 * approval + spread)
    walked = 0.0
    changed = 0
    for _ in range(15):
        e = near_tie_election(
            rng,
            approval=approval,
            voters=rng.randint(6, 14),
            projects=rng.randint(4, 8),
            spread=spread,
        )
        naive = equal_shares_add1(e, skip_ahead=False)
        fast = equal_shares_add1(e)
        assert fast.selected == naive.selected
        assert fast.per_voter_budget == naive.per_voter_budget
        walked += naive.per_voter_budget - e.budget / e.scores.shape[0]
        changed += tally(e, Rule.EQUAL_SHARES).selected != naive.selected
    assert walked > 1000  # the elections really walk many units
    assert changed > 2  # and the walk changes the outcome, not only its budget


@pytest.mark.parametrize("utility", [Utility.COST, Utility.POINTS])
def test_add1_matches_the_exact_definition_on_tied_costs(utility):
    rng = random.Random(77 + (utility == Utility.POINTS))
    for _ in range(25):
        e = near_tie_election(
            rng,
            approval=utility == Utility.COST,
            voters=rng.randint(3, 6),
            projects=rng.randint(3, 5),
            spread=1,
        )
        util = utilities(e, utility)
        rank = tie_break_ranks(e, ())
        expected = add1_exact(
            [int(c) for c in e.costs], util.astype(int).tolist(), int(e.budget), rank
        )
        outcome = equal_shares_add1(e, util=util, rank=rank)
        assert outcome.selected == tuple(str(j) for j in expected)


def test_identical_voters_count_like_one_weighted_voter():
    # pabulib files may merge alike ballots into one weighted row: nothing may change
    ballots = [{"a": 1, "b": 1}] * 5 + [{"c": 1}] * 3 + [{"a": 1, "c": 1}] * 2
    plain = Election.build(
        budget=1000, projects=[("a", 400), ("b", 300), ("c", 300)], ballots=ballots
    )
    weighted = Election.build(
        budget=1000,
        projects=[("a", 400), ("b", 300), ("c", 300)],
        ballots=[{"a": 1, "b": 1}, {"c": 1}, {"a": 1, "c": 1}],
        weights=[5, 3, 2],
    )
    for rule in (Rule.EQUAL_SHARES, Rule.EQUAL_SHARES_ADD1):
        one, other = tally(plain, rule), tally(weighted, rule)
        assert one.selected == other.selected
        assert one.per_voter_budget == pytest.approx(other.per_voter_budget)
        for pid in ("a", "b", "c"):
            assert one.explanations[pid].supporters_money == pytest.approx(
                other.explanations[pid].supporters_money
            )


def walk_election(rng):
    """Like test_rules' elections that walk hundreds of units (approval or points)."""
    projects = rng.randint(3, 7)
    costs = [rng.choice([100, 150, 230, 300, 420, 500, 777]) for _ in range(projects)]
    points = rng.random() < 0.5
    ballots = [
        {str(j): rng.randint(1, 4) if points else 1 for j in range(projects) if rng.random() < 0.45}
        for _ in range(rng.randint(3, 9))
    ]
    return Election.build(
        budget=rng.choice([900, 1200, 1750]),
        projects=[(str(j), c) for j, c in enumerate(costs)],
        ballots=ballots,
    )


# elections (by seed of walk_election) whose outcome changes and then comes back as the
# per-voter budget rises: the one trap for a proof that only looks at a span's two ends
COMING_BACK = [10, 30, 64, 80, 110, 161, 177, 191, 264, 329, 360, 390]


@pytest.mark.parametrize("seed", COMING_BACK)
def test_the_skip_ahead_proof_never_vouches_for_a_span_whose_outcome_comes_back(seed):
    e = walk_election(random.Random(seed))
    util = utilities(e)
    rank = tie_break_ranks(e, ())
    eligible = e.costs <= e.budget
    sup = Supporters.build(util, e.voter_weights)
    start = e.budget / e.scores.shape[0]
    runs = [mes_run(e, sup, eligible, rank, start + k) for k in range(150)]
    traps = 0
    for k_low, low in enumerate(runs):
        for k_high in range(k_low + 2, len(runs)):
            if runs[k_high].selected != low.selected:
                continue
            if any(runs[k].selected != low.selected for k in range(k_low + 1, k_high)):
                traps += 1
                high = mes_run(e, sup, eligible, rank, start + k_high, low.rhos)
                assert not _certified(low, high), (k_low, k_high)
    assert traps  # the election really has an outcome that comes back
    naive = equal_shares_add1(e, skip_ahead=False)
    assert equal_shares_add1(e).selected == naive.selected
