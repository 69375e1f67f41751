"""Write pabutools_expected.json: Equal Shares winners computed by pabutools (the test oracle).

pabutools is GPL-3.0 and is NOT a dependency of this project: run this script from a separate
virtualenv, e.g.

    python3.12 -m venv /tmp/pabu-venv
    /tmp/pabu-venv/bin/pip install pabutools==1.2.3 'pulp<4'
    /tmp/pabu-venv/bin/python budgeting/tests/data/make_pabutools_expected.py

For every approval file here it records, with cost utilities (pabutools' Cost_Sat) and ties
broken by lower cost then file order (as budgeting.counting does by default):
- "equalshares": method_of_equal_shares
- "add1": MES with the per-voter budget raised by 1 until the outcome would overspend
  (exhaustion_by_budget_increase with budget_step = number of voters, exhaustive_stop=False)
- "add1_exhaustive_stop": pabutools' own voter_budget_increment=1 variant, which also stops at
  the first exhaustive outcome
Runs that take longer than LIMIT seconds are left out.
"""

import gzip
import json
import multiprocessing
import sys
from pathlib import Path

from pabutools.election import Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

HERE = Path(__file__).parent
LIMIT = float(sys.argv[1]) if len(sys.argv) > 1 else 120


def _load(path):
    instance, profile = parse_pabulib_from_string(gzip.decompress(path.read_bytes()).decode())
    order = {p.name: i for i, p in enumerate(instance.project_meta)}
    tie = TieBreakingRule(lambda inst, prof, p: (p.cost, order[p.name]))
    return instance, profile, tie


def _compute(args):
    name, variant = args
    instance, profile, tie = _load(HERE / name)
    if variant == "equalshares":
        out = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
    elif variant == "add1":
        out = exhaustion_by_budget_increase(
            instance,
            profile,
            method_of_equal_shares,
            {"sat_class": Cost_Sat, "tie_breaking": tie},
            budget_step=profile.num_ballots(),
            exhaustive_stop=False,
        )
    else:
        out = method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, tie_breaking=tie, voter_budget_increment=1
        )
    return sorted(p.name for p in out)


def main():
    result = {}
    for path in sorted(HERE.glob("*.pb.gz")):
        head = gzip.decompress(path.read_bytes()).decode()[:3000]
        if "vote_type;approval" not in head and "vote_type;choose-1" not in head:
            continue
        result[path.name] = {}
        for variant in ("equalshares", "add1", "add1_exhaustive_stop"):
            with multiprocessing.Pool(1) as pool:
                job = pool.apply_async(_compute, ((path.name, variant),))
                try:
                    result[path.name][variant] = job.get(LIMIT)
                except multiprocessing.TimeoutError:
                    print(f"{path.name} {variant}: over {LIMIT}s, left out", flush=True)
                    continue
            print(path.name, variant, "done", flush=True)
    (HERE / "pabutools_expected.json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
