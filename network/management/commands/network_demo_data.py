"""Rebuild network/demo_data/organisations.jsonl.gz from Participedia's organisations export.

    python manage.py network_demo_data /path/to/participedia/exports_csv/organizations_export.csv

Keeps organisations with a title, a known country and a sector, at most PER_COUNTRY per country,
with only the fields the demo members need (name, country key, city, organisation type, source
URL). Participedia content is CC BY-SA 4.0: see network/demo_data/SOURCE.md.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

VOCABULARY = Path(__file__).resolve().parents[3] / "site" / "vocabularies" / "countries.json"
OUTPUT = Path(__file__).resolve().parents[2] / "demo_data" / "organisations.jsonl.gz"
PER_COUNTRY = 12
COUNTRY_ALIASES = {"Italia": "Italy", "España": "Spain", "Deutschland": "Germany"}
SECTORS = {
    "government": "government",
    "Government": "government",
    "non_profit_non_gov": "non-governmental-organisation",
    "Non-Profit or Non Governmental": "non-governmental-organisation",
    "higher_ed": "academia",
    "University or Research": "academia",
    "for_profit": "private-sector",
    "For Profit": "private-sector",
}
# countries the demo members live in, in the order their organisations are taken
COUNTRIES = (
    "fi",
    "se",
    "dk",
    "no",
    "ee",
    "de",
    "nl",
    "gb",
    "ie",
    "fr",
    "be",
    "it",
    "es",
    "pt",
    "at",
    "ch",
    "ca",
    "us",
    "au",
    "nz",
    "br",
    "cl",
    "za",
    "ke",
    "in",
)


class Command(BaseCommand):
    help = "Rebuild the network's demo organisations from Participedia's organisations CSV."

    def add_arguments(self, parser):
        parser.add_argument("csv_path")

    def handle(self, *args, csv_path: str, **options):
        path = Path(csv_path)
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        names = {row["name"]: row["key"] for row in json.loads(VOCABULARY.read_text())}
        by_country: dict[str, list[dict]] = defaultdict(list)
        with path.open(encoding="utf-8-sig", newline="") as file:
            for row in csv.DictReader(file):
                country = names.get(COUNTRY_ALIASES.get(row["country"], row["country"]))
                sector = SECTORS.get(row["sector"].strip())
                title = " ".join(row["title"].split())
                if not (country in COUNTRIES and sector and title and len(title) < 120):
                    continue
                if len(by_country[country]) >= PER_COUNTRY:
                    continue
                by_country[country].append(
                    {
                        "participedia_id": int(row.get('"id"') or row.get("id") or 0),
                        "name": title,
                        "country": country,
                        "city": row["city"].strip(),
                        "organisation_type": sector,
                        "source_url": row["url"],
                    }
                )
        records = [record for key in COUNTRIES for record in by_country.get(key, [])]
        with gzip.open(OUTPUT, "wt", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.stdout.write(f"{len(records)} organisations written to {OUTPUT}")
