"""Recompute the outcome of a pabulib election: `manage.py pb_tally FILE.pb [--rule] [--json]`.

The same command as `python -m budgeting.counting` (which runs without Django), same output.
"""

from django.core.management.base import BaseCommand, CommandError

from budgeting.counting.cli import DESCRIPTION, CountingFileError, arguments_add, file_report


class Command(BaseCommand):
    help = DESCRIPTION

    def add_arguments(self, parser):
        arguments_add(parser)

    def handle(self, *args, **options):
        try:
            report = file_report(options["file"], rule=options["rule"], as_json=options["json"])
        except CountingFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(report, ending="")
