"""Equal Shares agrees with pabutools (the reference implementation) on real approval files.

The expected winners were computed by pabutools itself: see data/make_pabutools_expected.py.
"""

import json
from pathlib import Path

import pytest

from budgeting.counting.equal_shares import equal_shares_add1
from budgeting.counting.pabulib import election_from_pabulib, pabulib_read
from budgeting.counting.registry import Rule, tally

DATA = Path(__file__).parent / "data"
EXPECTED_FILE = DATA / "pabutools_expected.json"
EXPECTED = json.loads(EXPECTED_FILE.read_text()) if EXPECTED_FILE.exists() else {}
CASES = [(name, variant) for name, runs in sorted(EXPECTED.items()) for variant in sorted(runs)]


def test_the_oracle_covers_equal_shares_on_several_files():
    assert sum(1 for _name, variant in CASES if variant == "equalshares") >= 8


@pytest.mark.parametrize(("name", "variant"), CASES)
def test_equal_shares_matches_pabutools(name, variant):
    election = election_from_pabulib(pabulib_read(DATA / name)).election
    if variant == "equalshares":
        outcome = tally(election, Rule.EQUAL_SHARES)
    elif variant == "add1":
        outcome = tally(election, Rule.EQUAL_SHARES_ADD1)
    else:  # pabutools' own add1 also stops at the first exhaustive outcome
        outcome = equal_shares_add1(election, stop_when_exhaustive=True)
    assert sorted(outcome.selected) == EXPECTED[name][variant]
