"""Rebuild demo_data/resources.jsonl.gz from the shared datasets (a developer's task)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from toolkit.builder import records_build, records_write
from toolkit.demo import DATA_FILE


class Command(BaseCommand):
    help = (
        "Rebuild the toolkit's copy of 18F, Participedia and UNDP Accelerator Labs resources "
        "from a folder holding the shared datasets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data", required=True, type=Path, help="the shared data folder (../shared/data)"
        )
        parser.add_argument("--output", type=Path, default=DATA_FILE)

    def handle(self, *args, data: Path, output: Path, **options):
        if not (data / "18f-methods").is_dir():
            raise CommandError(f"{data} does not hold the shared datasets (no 18f-methods/).")
        records = records_build(data)
        records_write(records, output)
        counts: dict[str, int] = {}
        for record in records:
            counts[record["source"]] = counts.get(record["source"], 0) + 1
        summary = ", ".join(f"{source} {count}" for source, count in counts.items())
        self.stdout.write(f"{len(records)} resources written to {output} ({summary}).")
