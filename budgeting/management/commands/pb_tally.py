"""Recompute the outcome of a pabulib election: `manage.py pb_tally FILE.pb [--rule] [--json]`."""

import json

from django.core.management.base import BaseCommand, CommandError

from budgeting.pabulib import PabulibError, election_from_pabulib, pabulib_read
from budgeting.rules import Rule, tally


class Command(BaseCommand):
    help = (
        "Count a pabulib .pb file (or .pb.gz) and print the selected project ids, one per line, "
        "in the order the rule selected them. The rule defaults to the one in the file's META."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .pb or .pb.gz file")
        parser.add_argument(
            "--rule",
            choices=[rule.value for rule in Rule],
            help="counting rule (default: META rule)",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='print {"selected": [...], "rule": ..., "budget_used": ...}',
        )

    def handle(self, *args, **options):
        try:
            pb = pabulib_read(options["file"])
            parsed = election_from_pabulib(pb)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from None
        except PabulibError as error:
            raise CommandError(f"{options['file']}: {error}") from None
        rule = Rule(options["rule"]) if options["rule"] else parsed.rule
        if rule is None:
            raise CommandError(
                f"The file's rule {parsed.rule_name or '(none)'!r} is not one this command "
                f"implements; choose one with --rule ({', '.join(r.value for r in Rule)})."
            )
        outcome = tally(
            parsed.election, rule, threshold=parsed.threshold, tie_break=parsed.tie_break
        )
        if options["json"]:
            used = outcome.budget_used
            data = {
                "selected": list(outcome.selected),
                "rule": str(rule),
                "budget_used": int(used) if float(used).is_integer() else used,
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            for project_id in outcome.selected:
                self.stdout.write(project_id)
