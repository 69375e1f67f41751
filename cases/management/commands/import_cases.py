"""python manage.py import_cases [--source participedia|undp] [--limit N] [--clean-existing]"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wagtail.models import Site

from cases.demo import case_index_ensure
from cases.importing import SOURCES, cases_clean_existing, cases_import
from cases.models import CaseIndexPage


class Command(BaseCommand):
    help = (
        "Import real case studies from the project's copies of Participedia and the UNDP "
        "Accelerator Labs experiments (cases/demo_data). Reports each record it cannot import "
        "and each source value mapping.json does not map; imports the rest. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", choices=sorted(SOURCES), action="append")
        parser.add_argument("--limit", type=int, default=None, help="records per source")
        parser.add_argument(
            "--clean-existing",
            action="store_true",
            help="also clean source boilerplate and dead links out of cases imported earlier "
            "(those no editor has changed)",
        )

    def handle(self, *args, source=None, limit=None, clean_existing=False, **options):
        if limit is not None and limit < 0:
            raise CommandError("--limit must be 0 or more")
        index = CaseIndexPage.objects.first()
        if index is None:
            site = Site.objects.filter(is_default_site=True).first()
            if site is None:
                raise CommandError("No default site: run `manage.py load_demo` first.")
            index = case_index_ensure(site.root_page)
        # one transaction: the search outbox then drains once, after the import
        with transaction.atomic():
            report = cases_import(index=index, sources=source or tuple(SOURCES), limit=limit)
        for line in report.lines():
            self.stdout.write(line)
        if clean_existing:
            cleaned = cases_clean_existing(index=index)
            self.stdout.write(f"Cases imported earlier: {cleaned.cleaned_cases} cleaned.")
            for line in list(cleaned.lines())[1:]:
                self.stdout.write(line)
        if report.created:
            call_command("rebuild_references_index", stdout=self.stdout)
