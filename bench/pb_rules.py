"""Benchmark of the PB counting rules against pabutools on the largest pabulib file.

    .venv/bin/python bench/pb_rules.py [--file PATH.pb[.gz]] [--limit 120] \
        [--pabutools-python /tmp/pabu-venv/bin/python]

Times each rule of budgeting.rules (greedy, equalshares, equalshares/add1) on the file (by
default Budapest 2024: 175 projects, 28,943 voters) and, where a Python with pabutools is given
(pabutools is GPL-3.0 and not a dependency: install it in its own venv, see
budgeting/tests/data/make_pabutools_expected.py), the same rule in pabutools on the same input,
with the same utilities (cost utilities on approval ballots) and tie-breaking (lower cost, then
file order). Every run happens in a fresh subprocess with a time limit; numbers, not pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "budgeting" / "tests" / "data" / "Hungary_Budapest_2024.pb.gz"
DEFAULT_PABUTOOLS = os.environ.get("PABUTOOLS_PYTHON", "/tmp/pabu-venv/bin/python")

OURS = """
import json, os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
import django
django.setup()
from budgeting.pabulib import election_from_pabulib, pabulib_read
from budgeting.rules import tally
parsed = election_from_pabulib(pabulib_read({path!r}))
start = time.perf_counter()
outcome = tally(parsed.election, {rule!r})
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "selected": sorted(outcome.selected)}}))
"""

PABUTOOLS = """
import gzip, json, time
from pathlib import Path
from pabutools.election import Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares
from pabutools.rules import greedy_utilitarian_welfare
from pabutools.tiebreaking import TieBreakingRule
data = Path({path!r}).read_bytes()
if data[:2] == b"\\x1f\\x8b":
    data = gzip.decompress(data)
instance, profile = parse_pabulib_from_string(data.decode("utf-8-sig"))
order = {{p.name: i for i, p in enumerate(instance.project_meta)}}
tie = TieBreakingRule(lambda inst, prof, p: (p.cost, order[p.name]))
start = time.perf_counter()
rule = {rule!r}
if rule == "greedy":
    # cost satisfaction: welfare per unit of cost is then the number of votes
    out = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
elif rule == "equalshares":
    out = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
else:
    out = exhaustion_by_budget_increase(
        instance, profile, method_of_equal_shares,
        {{"sat_class": Cost_Sat, "tie_breaking": tie}},
        budget_step=profile.num_ballots(), exhaustive_stop=False,
    )
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "selected": sorted(p.name for p in out)}}))
"""


def measure(python: str, code: str, limit: float) -> dict | None:
    """Run `code` in a fresh `python`; its JSON answer, or None past `limit` seconds."""
    try:
        done = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, timeout=limit, check=True
        )
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        return {"error": error.stderr.strip().splitlines()[-1] if error.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def cell(result: dict | None, limit: float) -> str:
    if result is None:
        return f"> {limit:.0f} s"
    if "error" in result:
        return "error"
    return f"{result['seconds']:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default=str(DEFAULT_FILE))
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--pabutools-python", default=DEFAULT_PABUTOOLS)
    parser.add_argument("--rules", default="greedy,equalshares,equalshares/add1")
    args = parser.parse_args()
    has_pabutools = Path(args.pabutools_python).exists()
    print(f"file: {Path(args.file).name}")
    print(f"{'rule':<20} {'kokeilu':>12} {'pabutools':>12} {'speed-up':>9}  same winners")
    for rule in args.rules.split(","):
        ours = measure(
            sys.executable, OURS.format(root=str(ROOT), path=args.file, rule=rule), args.limit
        )
        theirs = None
        if has_pabutools:
            theirs = measure(
                args.pabutools_python, PABUTOOLS.format(path=args.file, rule=rule), args.limit
            )
        speed = same = "-"
        if ours and theirs and "seconds" in ours and "seconds" in theirs:
            speed = f"{theirs['seconds'] / max(ours['seconds'], 1e-9):.0f}x"
            same = "yes" if ours["selected"] == theirs["selected"] else "NO"
        elif ours and "seconds" in ours and theirs is None and has_pabutools:
            speed = f"> {args.limit / max(ours['seconds'], 1e-9):.0f}x"
        print(
            f"{rule:<20} {cell(ours, args.limit):>12} "
            f"{cell(theirs, args.limit) if has_pabutools else 'n/a':>12} {speed:>9}  {same}",
            flush=True,
        )


if __name__ == "__main__":
    main()
