"""Benchmark of a large PB process's downloads: the `.pb` file and the open-data zip.

    .venv/bin/python bench/pb_downloads.py [--file ../shared/data/pabulib/Hungary_Budapest_2024.pb]
    DATABASE_URL=postgres://... .venv/bin/python bench/pb_downloads.py

Imports the pabulib file into the configured database once (as `manage.py pb_import` does;
later runs reuse it), then prints, best of `--runs` through Django's test Client: writing the
ballot file inside the request (what the downloads did before the worker built it), the
worker's build, the version check alone, and both downloads served from the stored file.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "pabulib" / "Hungary_Budapest_2024.pb"


def _best(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from budgeting.exchange import process_to_pabulib
    from budgeting.processes.models import Process
    from budgeting.results.ballot_file import ballot_file_build_now, ballot_file_version
    from budgeting.results.models import BallotFile

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    slug = "bench-" + args.file.name.split(".")[0].lower().replace("_", "-")
    if not Process.objects.filter(slug=slug).exists():
        call_command("pb_import", str(args.file), "--slug", slug)
    process = Process.objects.get(slug=slug)
    ballots = (process.results or {}).get("ballots")
    print(f"{process.title}: {ballots} ballots ({connection.vendor})")

    def build() -> None:
        BallotFile.objects.filter(process=process).delete()
        ballot_file_build_now(process.pk)

    client = Client()
    rows = [
        ("ballot file written in the request (before)", lambda: process_to_pabulib(process)),
        ("the worker's build and store", build),
        ("version check (every download)", lambda: ballot_file_version(process)),
        ("GET export.pb, stored file", lambda: client.get(f"/pb/{slug}/export.pb")),
        ("GET open-data.zip, stored file", lambda: client.get(f"/pb/{slug}/open-data.zip")),
    ]
    for label, function in rows:
        print(f"  {label:<46} {_best(function, args.runs) * 1000:8.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
