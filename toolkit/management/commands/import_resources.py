"""Import toolkit resources from a JSON-lines file (by default the project's own copy)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wagtail.models import Site

from toolkit.demo import DATA_FILE, read_records, toolkit_index_get_or_create
from toolkit.services import resources_import


class Command(BaseCommand):
    help = (
        "Import toolkit resources (gzipped JSON lines, classified by demo_data/mapping.json) "
        "under the default site's toolkit. Existing resources (same slug) are left alone; bad "
        "records are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_FILE)
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, file: Path, limit: int | None, **options):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError("There is no default site to import the toolkit into.")
        if not file.exists():
            raise CommandError(f"{file} does not exist.")
        index = toolkit_index_get_or_create(site.root_page)
        report = resources_import(index=index, records=read_records(file), limit=limit)
        for record_id, reason in report.errors:
            self.stderr.write(f"{record_id}: {reason}")
        self.stdout.write(
            f"{report.created} resources created, {report.unchanged} already present, "
            f"{len(report.errors)} skipped."
        )
