"""Benchmark of the PB counting rules against pabutools on the largest pabulib file.

    .venv/bin/python bench/pb_rules.py [--file PATH.pb[.gz]] [--limit 120] \
        [--pabutools-python /tmp/pabu-venv/bin/python]

Times each rule of budgeting.counting (greedy, equalshares, equalshares/add1) on the file (by
default Budapest 2024: 175 projects, 28,943 voters) and, where a Python with pabutools is given
(pabutools is GPL-3.0 and not a dependency: install it in its own venv, see
budgeting/tests/data/make_pabutools_expected.py), the same rule in pabutools on the same input,
with the same utilities (cost utilities on approval ballots) and tie-breaking (lower cost, then
file order). Every run happens in a fresh subprocess with a time limit; numbers, not pass/fail.

The first table times the rule alone. The second times whole processes, start-up and parsing
included: `python -m budgeting.counting FILE --rule R` (best of --repeat runs) against a Python
that parses the file with pabutools and runs its rule (one run), in wall-clock seconds and in
CPU seconds (user + system, which a busy machine disturbs less than wall-clock time).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "budgeting" / "tests" / "data" / "Hungary_Budapest_2024.pb.gz"
DEFAULT_PABUTOOLS = os.environ.get("PABUTOOLS_PYTHON", "/tmp/pabu-venv/bin/python")

OURS = """
import json, sys, time
sys.path.insert(0, {root!r})
from budgeting.counting.pabulib import election_from_pabulib, pabulib_read
from budgeting.counting.registry import tally
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


# the whole process in pabutools: read, parse, count, print the winners
PABUTOOLS_WHOLE = """
import gzip, sys
from pathlib import Path
from pabutools.election import Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule
data = Path({path!r}).read_bytes()
if data[:2] == b"\\x1f\\x8b":
    data = gzip.decompress(data)
instance, profile = parse_pabulib_from_string(data.decode("utf-8-sig"))
order = {{p.name: i for i, p in enumerate(instance.project_meta)}}
tie = TieBreakingRule(lambda inst, prof, p: (p.cost, order[p.name]))
rule = greedy_utilitarian_welfare if {rule!r} == "greedy" else method_of_equal_shares
out = rule(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
print("\\n".join(sorted(p.name for p in out)))
"""
WHOLE_RULES = ("greedy", "equalshares")


def measure_process(command: list[str], limit: float) -> dict | None:
    """Run `command` as a fresh process: its wall-clock and CPU seconds and its output lines,
    None past `limit` seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=limit, check=True, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        return {"error": error.stderr.strip().splitlines()[-1] if error.stderr else "failed"}
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "selected": sorted(done.stdout.split())}


def whole_cell(result: dict | None, limit: float) -> str:
    if result is None:
        return f"> {limit:.0f} s"
    if "error" in result:
        return "error"
    return f"{result['wall']:.2f}/{result['cpu']:.2f} s"


def whole_processes(args: argparse.Namespace, has_pabutools: bool) -> None:
    """The second table: whole processes, ours against pabutools'."""
    print()
    print("whole process, start-up and parsing included (wall/CPU seconds)")
    print(f"{'rule':<20} {'kokeilu':>13} {'pabutools':>13} {'speed-up wall/CPU':>18}  same winners")
    for rule in WHOLE_RULES:
        command = [sys.executable, "-m", "budgeting.counting", args.file, "--rule", rule]
        runs = [measure_process(command, args.limit) for _ in range(args.repeat)]
        done = [run for run in runs if run and "wall" in run]
        ours = min(done, key=lambda run: run["wall"]) if done else runs[0]
        theirs = None
        if has_pabutools:
            code = PABUTOOLS_WHOLE.format(path=args.file, rule=rule)
            theirs = measure_process([args.pabutools_python, "-c", code], args.limit)
        speed = same = "-"
        if ours and theirs and "wall" in ours and "wall" in theirs:
            speed = f"{theirs['wall'] / ours['wall']:.0f}x/{theirs['cpu'] / ours['cpu']:.0f}x"
            same = "yes" if ours["selected"] == theirs["selected"] else "NO"
        print(
            f"{rule:<20} {whole_cell(ours, args.limit):>13} "
            f"{whole_cell(theirs, args.limit) if has_pabutools else 'n/a':>13} {speed:>18}  {same}",
            flush=True,
        )


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
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours per whole process")
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
    whole_processes(args, has_pabutools)


if __name__ == "__main__":
    main()
