"""The command line of the counting core: count a pabulib file and print the selection.

    python -m budgeting.counting FILE.pb[.gz] [--rule R] [--json]

prints the selected project ids, one per line, in the order the rule selected them (or, with
`--json`, {"selected": [...], "rule": ..., "budget_used": ...}). `manage.py pb_tally` is this
command inside Django: it takes the same arguments and prints the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from budgeting.counting.pabulib import PabulibError, election_from_pabulib, pabulib_read
from budgeting.counting.registry import RULES, tally

DESCRIPTION = (
    "Count a pabulib .pb file (or .pb.gz) and print the selected project ids, one per line, "
    "in the order the rule selected them. The rule defaults to the one in the file's META."
)


class CountingFileError(Exception):
    """A file that cannot be counted: unreadable, not pabulib, or no rule to count it with."""


def arguments_add(parser: argparse.ArgumentParser) -> None:
    """Add the command's arguments (FILE, --rule, --json) to `parser`."""
    parser.add_argument("file", help="path to a .pb or .pb.gz file")
    parser.add_argument(
        "--rule",
        choices=[spec.key for spec in RULES],
        help="counting rule (default: META rule)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"selected": [...], "rule": ..., "budget_used": ...}',
    )


def file_report(path: str, *, rule: str | None = None, as_json: bool = False) -> str:
    """What the command prints for the file at `path`: the selected ids, one per line, or one
    line of JSON. Raises CountingFileError with a message for the person who ran it."""
    try:
        parsed = election_from_pabulib(pabulib_read(path))
    except OSError as error:
        raise CountingFileError(f"Cannot read {path}: {error.strerror}") from None
    except PabulibError as error:
        raise CountingFileError(f"{path}: {error}") from None
    chosen = rule or parsed.rule
    if chosen is None:
        raise CountingFileError(
            f"The file's rule {parsed.rule_name or '(none)'!r} is not one this command "
            f"implements; choose one with --rule ({', '.join(spec.key for spec in RULES)})."
        )
    outcome = tally(parsed.election, chosen, threshold=parsed.threshold, tie_break=parsed.tie_break)
    if not as_json:
        return "".join(f"{project_id}\n" for project_id in outcome.selected)
    import json  # only for --json: the command's start-up stays short

    used = outcome.budget_used
    data = {
        "selected": list(outcome.selected),
        "rule": str(chosen),
        "budget_used": int(used) if float(used).is_integer() else used,
    }
    return json.dumps(data, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with `argv` (default: the process's arguments); the exit status."""
    parser = argparse.ArgumentParser(prog="python -m budgeting.counting", description=DESCRIPTION)
    arguments_add(parser)
    args = parser.parse_args(argv)
    try:
        report = file_report(args.file, rule=args.rule, as_json=args.json)
    except CountingFileError as error:
        print(error, file=sys.stderr)
        return 1
    sys.stdout.write(report)
    return 0
