"""Search at scale: the database engine (SQLite, PostgreSQL) and OpenSearch (osmem) on a corpus
of real content, in one run, printed as one table (`--engines` adds elasticsearch: the
Elasticsearch engine's client against osmem).

    .venv/bin/python bench/search_scale.py                      # 100,000 documents
    .venv/bin/python bench/search_scale.py --opensearch-documents 30000   # osmem is slow to fill
    .venv/bin/python bench/search_scale.py --documents 20000 --queries 20 \
        --postgres postgres://postgres@127.0.0.1:5432/kokeilu_search_bench

The corpus is built from the project's own demo content (cases/demo_data: UNDP and
Participedia cases; toolkit/demo_data: toolkit resources) and the portal's vocabularies
(site/vocabularies), repeated with vocabulary values, years, kinds and languages drawn at random
(seeded), so that every engine indexes the same documents and answers the same queries.

Each engine runs in its own process (a scratch SQLite file, the PostgreSQL database given, whose
search tables are emptied, and an osmem-server started for the run). It measures bulk indexing
(`rebuild`) and the median and 95th percentile of: text only, text plus three facet selections,
facets only (three selections, no text), a deep page (page 500 of a facet-filtered list), and
spelling (`engine.spelling` of a title word with two letters swapped; n = how many of the
queries got a correction). Numbers, not pass/fail.

Where the time goes (measured on a shared 2-core machine): osmem-server analyses every text
field once per analyzer (standard, the title's edge n-grams, and the document language's
stemmer), in one thread, at roughly 100-200 documents a second for these 3,000-character
bodies; the bulk batch size, parallel requests and refreshes change little (a rebuild already
sends 500-document `_bulk` requests without refresh and refreshes once before the alias swap).
A 100,000-document osmem run therefore needs 10-20 minutes of indexing alone.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("case", "case", "case", "tool", "story", "workshop", "member")
LANGUAGES = ("en", "en", "en", "fi", "sv")
VOCABULARIES = ("countries", "themes", "methods", "stages", "government_levels", "sdgs")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W\d_]{4,}")
COLUMNS = ("text only", "text + 3 facets", "facets only", "deep page", "spelling")
ENGINE_LABELS = {
    "sqlite": "database (SQLite)",
    "postgresql": "database (PostgreSQL)",
    "opensearch": "opensearch (osmem)",
    "elasticsearch": "elasticsearch (osmem)",
}
DISTRIBUTED = {"opensearch", "elasticsearch"}


def source_records() -> list[dict]:
    """Title, summary and body text of every demo case and toolkit resource."""
    from portal.demo_records import demo_records_read

    records = []
    for path in sorted((ROOT / "cases" / "demo_data").glob("*.jsonl.gz")) + [
        ROOT / "toolkit" / "demo_data" / "resources.jsonl.gz"
    ]:
        for record in demo_records_read(path):
            sections = record.get("sections") or {}
            html = record.get("body_html") or " ".join(
                str(value) for value in sections.values() if isinstance(value, str)
            )
            body = " ".join(_TAG.sub(" ", html).split())[:3000]
            records.append(
                {
                    "title": record.get("title") or "Untitled",
                    "summary": (record.get("summary") or "")[:600],
                    "body": body,
                }
            )
    return records


def vocabulary_keys() -> dict[str, list[str]]:
    folder = ROOT / "site" / "vocabularies"
    return {
        name: [term["key"] for term in json.loads((folder / f"{name}.json").read_text())]
        for name in VOCABULARIES
    }


def make_documents(count: int, seed: int = 7):
    """`count` SearchDocuments from the real records and vocabularies (deterministic)."""
    from search.documents import SearchDocument

    rng = random.Random(seed)
    records = source_records()
    keys = vocabulary_keys()
    documents = []
    for number in range(1, count + 1):
        record = records[number % len(records)]
        kind = rng.choice(KINDS)
        year = rng.randint(2008, 2025)
        documents.append(
            SearchDocument(
                id=f"{kind}:{number}",
                kind=kind,
                url=f"/{kind}/{number}/",
                title=record["title"],
                summary=record["summary"],
                body=record["body"],
                date=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                year=year,
                language=rng.choice(LANGUAGES),
                countries=tuple(rng.sample(keys["countries"][:60], k=rng.randint(1, 2))),
                themes=tuple(rng.sample(keys["themes"], k=rng.randint(1, 2))),
                methods=tuple(rng.sample(keys["methods"], k=rng.randint(0, 2))),
                stages=(rng.choice(keys["stages"]),),
                government_levels=(rng.choice(keys["government_levels"]),),
                sdgs=tuple(rng.sample(keys["sdgs"], k=rng.randint(0, 2))),
            )
        )
    return documents


def make_queries(documents, count: int, seed: int = 11) -> dict[str, list]:
    """The same queries for every engine: words from real titles, values of real documents."""
    from search.query import SearchQuery, Sort

    rng = random.Random(seed)
    words = sorted({w.lower() for doc in documents[:3000] for w in _WORD.findall(doc.title)})

    def selections():
        doc = rng.choice(documents)
        chosen = {"country": doc.countries[:1], "theme": doc.themes[:1], "stage": doc.stages}
        return {name: values for name, values in chosen.items() if values}

    def text():
        return " ".join(rng.sample(words, k=rng.randint(1, 2)))

    return {
        "text only": [SearchQuery(text=text()) for _ in range(count)],
        "text + 3 facets": [
            SearchQuery(text=rng.choice(words), selections=selections()) for _ in range(count)
        ],
        "facets only": [SearchQuery(selections=selections()) for _ in range(count)],
        "deep page": [
            SearchQuery(
                selections={"kind": ("case",)}, sort=Sort.NEWEST, page=500 + rng.randint(0, 200)
            )
            for _ in range(count)
        ],
    }


def make_misspellings(documents, count: int, seed: int = 13) -> list[str]:
    """Words of real titles (six letters or more) with their third and fourth letters swapped:
    one edit, past the first two letters (which every engine's candidates share)."""
    rng = random.Random(seed)
    words = sorted(
        {w.lower() for doc in documents[:3000] for w in _WORD.findall(doc.title) if len(w) >= 6}
    )
    chosen = rng.sample(words, k=min(count, len(words)))
    return [word[:2] + word[3] + word[2] + word[4:] for word in chosen if word[2] != word[3]]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(len(ordered) * 0.95)) - 1)]
    return statistics.median(ordered), p95


def run_worker(target: str, documents_count: int, queries_count: int, url: str) -> dict:
    """Index and query one engine in this process; return its row as a dict."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    if target == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='kokeilu-scale-')}/b.db"
    elif target == "postgresql":
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='kokeilu-scale-')}/b.db"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    server = None
    if target in DISTRIBUTED:
        from search.engines.distributed import EngineURL
        from search.engines.elasticsearch import ElasticsearchEngine
        from search.engines.opensearch import OpenSearchEngine
        from search.osmem import osmem_start

        server = osmem_start()
        host = server.url.removeprefix("http://")
        url = f"{target}://{host}/bench?timeout=300&languages=en,sv"
        if target == "elasticsearch":
            url += "&api_compatibility=none"  # osmem, like OpenSearch, wants plain JSON
        engine_class = ElasticsearchEngine if target == "elasticsearch" else OpenSearchEngine
        engine = engine_class(EngineURL.parse(url))
    else:
        from search.engines.database import DatabaseEngine

        engine = DatabaseEngine()
    try:
        documents = make_documents(documents_count)
        queries = make_queries(documents, queries_count)
        started = time.perf_counter()
        engine.rebuild(documents)
        indexing = time.perf_counter() - started
        row = {
            "engine": ENGINE_LABELS[target],
            "documents": engine.count(),
            "index_seconds": indexing,
            "docs_per_second": documents_count / indexing,
        }
        for column, column_queries in queries.items():
            for query in column_queries[:3]:  # warm caches and connections
                engine.search(query)
            samples = []
            totals = []
            for query in column_queries:
                started = time.perf_counter()
                results = engine.search(query)
                samples.append((time.perf_counter() - started) * 1000)
                totals.append(results.total)
            row[column] = percentiles(samples)
            row[f"{column} hits"] = statistics.median(totals)
        misspelt = make_misspellings(documents, queries_count)
        for word in misspelt[:3]:
            engine.spelling([word], language="en")
        samples = []
        corrected = 0
        for word in misspelt:
            started = time.perf_counter()
            corrected += bool(engine.spelling([word], language="en"))
            samples.append((time.perf_counter() - started) * 1000)
        row["spelling"] = percentiles(samples)
        row["spelling hits"] = corrected
        if target not in DISTRIBUTED:
            engine.clear()
        return row
    finally:
        if server is not None:
            server.close()


def print_table(rows: list[dict]) -> None:
    header = f"| {'engine':<22} | {'docs':>7} | {'index docs/s':>12} |" + "".join(
        f" {c + ' p50/p95 ms':>26} |" for c in COLUMNS
    )
    print(header)
    print("|" + "|".join("-" * (len(part) + 0) for part in header.split("|")[1:-1]) + "|")
    for row in rows:
        if "error" in row:
            print(f"| {row['engine']:<22} | failed: {row['error']}")
            continue
        cells = "".join(
            f" {row[c][0]:>8.1f} / {row[c][1]:>7.1f} (n~{row[c + ' hits']:>6.0f}) |"
            for c in COLUMNS
        )
        rate = f"{row['docs_per_second']:>12.0f}"
        print(f"| {row['engine']:<22} | {row['documents']:>7} | {rate} |{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", ""),
        help="PostgreSQL database to use (its search tables are emptied); skipped when empty",
    )
    parser.add_argument(
        "--opensearch-documents",
        type=int,
        default=None,
        help="a smaller corpus for osmem, through either client (an in-memory test engine: "
        "~100-200 docs/s here)",
    )
    parser.add_argument(
        "--engines",
        default="sqlite,postgresql,opensearch",
        help="comma-separated, of " + ", ".join(ENGINE_LABELS),
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        row = run_worker(args.worker, args.documents, args.queries, args.postgres)
        print("RESULT " + json.dumps(row))
        return

    started = time.perf_counter()
    rows = []
    for target in args.engines.split(","):
        if target == "postgresql" and not args.postgres:
            print("postgresql: skipped (give --postgres or BENCH_POSTGRES_URL)", file=sys.stderr)
            continue
        count = args.documents
        if target in DISTRIBUTED and args.opensearch_documents:
            count = args.opensearch_documents
        print(f"{target}: indexing {count} documents…", file=sys.stderr, flush=True)
        command = [sys.executable, __file__, "--worker", target]
        command += ["--documents", str(count), "--queries", str(args.queries)]
        command += ["--postgres", args.postgres]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        if lines:
            rows.append(json.loads(lines[-1].removeprefix("RESULT ")))
        else:
            # The last line that says something (a traceback may end with a caret line).
            error = next(
                (
                    line
                    for line in reversed(done.stderr.splitlines())
                    if any(map(str.isalpha, line))
                ),
                "no output",
            )
            rows.append({"engine": target, "error": error})
    print_table(rows)
    print(
        f"\n{args.queries} queries per column after 3 warm-up queries; n~ is the median number of "
        f"hits. Total run time {time.perf_counter() - started:.0f} s."
    )


if __name__ == "__main__":
    main()
