"""Benchmark of the database search engine: indexing rate and query latency.

    .venv/bin/python bench/search_database.py [--documents 5000] [--queries 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kokeilu_bench \
        .venv/bin/python bench/search_database.py

Runs against a throwaway SQLite file (or the PostgreSQL database DATABASE_URL names, whose
search tables it empties) and prints numbers; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = [
    "experiment",
    "trial",
    "citizen",
    "budget",
    "participatory",
    "design",
    "service",
    "digital",
    "health",
    "school",
    "mobility",
    "housing",
    "climate",
    "energy",
    "data",
    "behavioural",
    "insight",
    "prototype",
    "pilot",
    "municipality",
    "ministry",
    "library",
    "youth",
    "ageing",
    "welfare",
    "procurement",
    "open",
    "government",
    "transparency",
    "innovation",
    "evaluation",
    "lesson",
    "co-creation",
    "workshop",
    "story",
    "failure",
    "success",
    "network",
    "foresight",
    "mission",
    "adaptive",
    "anticipatory",
]
COUNTRIES = ["fi", "se", "no", "dk", "ee", "de", "fr", "nl", "pt", "es", "it", "pl", "ca", "nz"]
THEMES = ["health", "education", "environment", "mobility", "digital", "housing", "welfare"]
METHODS = ["design-thinking", "behavioural-insights", "randomised-controlled-trial", "co-creation"]
STAGES = ["identifying-problems", "generating-ideas", "developing-proposals", "implementing"]
KINDS = ["case", "tool", "story", "workshop"]


def make_documents(count: int, rng: random.Random):
    from search.documents import SearchDocument

    for number in range(1, count + 1):
        kind = rng.choice(KINDS)
        yield SearchDocument(
            id=f"{kind}:{number}",
            kind=kind,
            url=f"/{kind}/{number}/",
            title=" ".join(rng.choices(WORDS, k=6)).capitalize(),
            summary=" ".join(rng.choices(WORDS, k=30)),
            body=" ".join(rng.choices(WORDS, k=600)),
            date=datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randrange(5800)),
            countries=tuple(rng.sample(COUNTRIES, k=rng.randint(1, 2))),
            themes=tuple(rng.sample(THEMES, k=rng.randint(1, 3))),
            methods=tuple(rng.sample(METHODS, k=rng.randint(0, 2))),
            stages=tuple(rng.sample(STAGES, k=1)),
        )


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(f"{name:<44} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()

    os.environ.setdefault("KOKEILU_VAR_DIR", tempfile.mkdtemp(prefix="kokeilu-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from search.engines.database import DatabaseEngine
    from search.query import SearchQuery, Sort

    call_command("migrate", verbosity=0)
    engine = DatabaseEngine()
    rng = random.Random(42)
    print(f"database: {connection.vendor}, documents: {args.documents}")

    documents = list(make_documents(args.documents, rng))
    started = time.perf_counter()
    engine.rebuild(documents)
    elapsed = time.perf_counter() - started
    print(f"{'index (rebuild)':<44} {elapsed:7.1f} s    {args.documents / elapsed:7.0f} docs/s")

    queries = [" ".join(rng.choices(WORDS, k=rng.randint(1, 3))) for _ in range(args.queries)]
    iterator = iter(queries * 2)
    report(
        "text query, facets and highlights",
        timed(lambda: engine.search(SearchQuery(text=next(iterator))), args.queries),
    )
    report(
        "text query with two facet selections",
        timed(
            lambda: engine.search(
                SearchQuery(
                    text=next(iterator),
                    selections={"country": ("fi", "se"), "theme": ("health",)},
                )
            ),
            args.queries,
        ),
    )
    report(
        "no text, newest first, all facets",
        timed(lambda: engine.search(SearchQuery(sort=Sort.NEWEST)), args.queries),
    )
    report("suggest (3-letter prefix)", timed(lambda: engine.suggest("exp"), args.queries))
    report("related", timed(lambda: engine.related(documents[0].id), min(args.queries, 20)))
    engine.clear()


if __name__ == "__main__":
    main()
