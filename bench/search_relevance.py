"""Relevance of the site's search on the demo content: nDCG@10 and recall@10 of a judged query set.

    .venv/bin/python bench/search_relevance.py   # loads the demo into a scratch SQLite file
    .venv/bin/python bench/search_relevance.py --database-url sqlite:////tmp/relevance.sqlite3
    .venv/bin/python bench/search_relevance.py \
        --database-url postgres://postgres@127.0.0.1:5432/kokeilu_r
    .venv/bin/python bench/search_relevance.py --database-url URL --engine opensearch
    .venv/bin/python bench/search_relevance.py --database-url URL --engine opensearch \
        --search-url 'opensearch://127.0.0.1:9200/relevance?languages=en,sv'
    .venv/bin/python bench/search_relevance.py --check   # only validate the query file

The queries (bench/relevance/queries.json) are what practitioners type, in English, Finnish and
Swedish, each with the demo documents a person typing it would want, graded 3 (exactly what was
sought), 2 (clearly relevant) or 1 (partly relevant). They were judged from the demo content, not
from what an engine finds, and name documents by ids that survive a new demo load (see
`stable_ids`): never change a grade to match an engine's results.

Each query goes through `search.selectors.search_run` as a visitor would send it (public
documents, the query's language, relevance order, the first 10 hits), on the engine chosen:

- `database` (default): the database engine of the database given (SQLite or PostgreSQL).
- `opensearch`: an osmem-server started for the run (or the cluster `--search-url` names),
  filled from the database with `search_index rebuild`.

nDCG@10 uses the gain 2^grade - 1 and the ideal ordering of every judged document; recall@10 is
the share of the judged documents (any grade) in the first 10 hits, out of at most 10. Both are
printed per language and overall, with the worst queries and the goal (nDCG@10 >= 0.8 overall).

A database given with `--database-url` that has no demo gets one (`load_demo`, a few minutes);
its index is rebuilt first (`--no-rebuild` skips that), so that a change to the engine's
analysis is measured. Numbers, not pass/fail: the exit status is 0 whether the goal is met or not.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES_FILE = ROOT / "bench" / "relevance" / "queries.json"
LANGUAGES = ("en", "fi", "sv")
GRADES = (1, 2, 3)
CUTOFF = 10
GOAL = 0.8
WORST = 10
# How each kind's documents are named across demo loads (see `stable_ids`).
STABLE_ID_FORMS = {
    "case": re.compile(r"^case:(participedia|participedia-2016|undp-acclabs):[\w.-]+$"),
    "tool": re.compile(r"^tool:[a-z0-9_-]+$"),
    "story": re.compile(r"^story:(undp-story:\w+|[a-z0-9-]+)$"),
    "workshop": re.compile(r"^workshop:[a-z0-9-]+$"),
    "member": re.compile(r"^member:[\w.@+-]+$"),
    "group": re.compile(r"^group:[a-z0-9-]+$"),
    "pb_process": re.compile(r"^pb_process:[a-z0-9-]+$"),
    "pb_project": re.compile(r"^pb_project:[a-z0-9-]+/[a-z0-9-]+$"),
}


@dataclass(frozen=True)
class JudgedQuery:
    id: str
    language: str
    text: str
    relevant: dict[str, int]  # stable id -> grade
    tags: tuple[str, ...] = ()
    note: str = ""


@dataclass
class QueryScore:
    query: JudgedQuery
    ndcg: float
    recall: float
    top: list[str] = field(default_factory=list)  # stable ids of the first hits, in order
    total: int = 0
    degraded: bool = False  # the database engine answered for a failed distributed engine


# --- the query file -------------------------------------------------------------------------


def queries_load(path: Path = QUERIES_FILE) -> tuple[list[JudgedQuery], dict[str, str]]:
    """The judged queries and the titles of the judged documents (for reading the output).

    Raises ValueError naming every problem: a language outside fi/sv/en, a query without a
    document of grade 2 or 3, a grade outside 1-3, an id not in its kind's form, a duplicate.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    queries: list[JudgedQuery] = []
    seen_ids: set[str] = set()
    seen_texts: set[tuple[str, str]] = set()
    for number, item in enumerate(data["queries"], start=1):
        name = item.get("id") or f"query #{number}"
        language, text = item.get("language"), (item.get("text") or "").strip()
        relevant = item.get("relevant") or {}
        if name in seen_ids:
            problems.append(f"{name}: the id is used twice")
        if (language, text.lower()) in seen_texts:
            problems.append(f"{name}: the same text in the same language is judged twice")
        seen_ids.add(name)
        seen_texts.add((language, text.lower()))
        if language not in LANGUAGES:
            problems.append(f"{name}: language {language!r} is not one of {', '.join(LANGUAGES)}")
        if not text:
            problems.append(f"{name}: no text")
        if not any(grade >= 2 for grade in relevant.values()):
            problems.append(f"{name}: no document of grade 2 or 3")
        for doc_id, grade in relevant.items():
            if grade not in GRADES:
                problems.append(f"{name}: {doc_id} has grade {grade!r} (1, 2 or 3)")
            form = STABLE_ID_FORMS.get(doc_id.partition(":")[0])
            if form is None or not form.match(doc_id):
                problems.append(f"{name}: {doc_id!r} is not a stable document id")
        queries.append(
            JudgedQuery(
                id=name,
                language=language,
                text=text,
                relevant=dict(relevant),
                tags=tuple(item.get("tags") or ()),
                note=item.get("note", ""),
            )
        )
    if problems:
        raise ValueError(f"{path}:\n  " + "\n  ".join(problems))
    return queries, dict(data.get("documents") or {})


# --- the measures ---------------------------------------------------------------------------


def dcg(gains: list[float]) -> float:
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def query_score(query: JudgedQuery, ranked: list[str]) -> tuple[float, float]:
    """(nDCG@10, recall@10) of the stable ids `ranked`, in the order the engine gave them; a
    document listed twice counts once (its first place)."""
    seen: set[str] = set()
    gains = []
    found = 0
    for doc_id in ranked[:CUTOFF]:
        grade = query.relevant.get(doc_id, 0) if doc_id not in seen else 0
        seen.add(doc_id)
        gains.append(2**grade - 1)
        found += grade > 0
    ideal = dcg(sorted((2**g - 1 for g in query.relevant.values()), reverse=True)[:CUTOFF])
    ndcg = dcg(gains) / ideal if ideal else 0.0
    recall = found / min(CUTOFF, len(query.relevant)) if query.relevant else 0.0
    return ndcg, recall


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# --- the site ---------------------------------------------------------------------------------


def django_setup(database_url: str, search_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["DATABASE_URL"] = database_url
    os.environ["SEARCH_URL"] = search_url
    import django

    django.setup()


def demo_ensure(*, rebuild: bool) -> None:
    """Migrate; load the demo when the database has none; else rebuild the index (unless told
    not to), so that the documents are analysed by the code being measured."""
    from django.core.management import call_command

    from cases.models import CasePage

    call_command("migrate", verbosity=0)
    if not CasePage.objects.exists():
        print("Loading the demo (a few minutes)…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", stdout=quiet)
        print(f"Demo loaded in {time.perf_counter() - started:.0f} s.", file=sys.stderr)
    elif rebuild:
        with open(os.devnull, "w") as quiet:
            call_command("search_index", "rebuild", stdout=quiet)


def stable_ids() -> dict[str, str]:
    """Index document id ("case:42") -> the id the judgements use, which a new demo load keeps.

    Pages (cases, tools, stories, workshops) are named by their original version, so that a
    page's translations are the same document: a case or an imported story by its source id
    ("case:participedia:1445", "story:undp-story:Experimenter_SDN"), any other page by its slug
    ("tool:co-design", "story:the-home-care-booking-chatbot-nobody-used"). Members are named by
    username, groups and PB processes by slug, PB projects by their process's slug and their
    slugified (original) title ("pb_project:demo-town-2025/lit-ski-track").
    """
    from django.utils.text import slugify

    from wagtail.models import Page

    from budgeting.processes.models import Process
    from budgeting.proposals.models import Project
    from network.groups.models import Group
    from network.models import Member
    from search import registry

    names: dict[str, str] = {}
    for kind, registration in registry.kinds().items():
        model = registration.model
        if issubclass(model, Page):
            pages = list(model.objects.order_by("pk"))
            originals: dict[object, object] = {}
            for page in pages:
                originals.setdefault(page.translation_key, page)
            for page in pages:
                original = originals[page.translation_key]
                key = getattr(original, "source_id", "") or original.slug
                names[f"{kind}:{page.pk}"] = f"{kind}:{key}"
        elif model is Member:
            for pk, username in Member.objects.values_list("pk", "user__username"):
                names[f"{kind}:{pk}"] = f"{kind}:{username}"
        elif model in (Group, Process):
            for pk, slug in model.objects.values_list("pk", "slug"):
                names[f"{kind}:{pk}"] = f"{kind}:{slug}"
        elif model is Project:
            for pk, process_slug, title in Project.objects.values_list(
                "pk", "process__slug", "title"
            ):
                names[f"{kind}:{pk}"] = f"{kind}:{process_slug}/{slugify(title)}"
    return names


def public_documents(names: dict[str, str]) -> dict[str, list]:
    """Stable id -> the documents a visitor can find under it (a page and its translations),
    built from the content as a rebuild builds them (whichever engine is measured)."""
    from search import registry
    from search.documents import Visibility

    documents: dict[str, list] = defaultdict(list)
    for registration in registry.kinds().values():
        for obj in registration.queryset().iterator(chunk_size=500):
            document = registration.to_document(obj)
            if document is not None and document.visibility == Visibility.PUBLIC:
                documents[names.get(document.id, document.id)].append(document)
    return documents


def corpus_dump(path: Path, documents: dict[str, list]) -> None:
    """Every findable document as JSON lines (stable id, kind, language, title, summary, the
    start of the body; one line per language version), for judging queries."""
    with path.open("w", encoding="utf-8") as out:
        for stable_id, versions in sorted(documents.items()):
            for doc in versions:
                line = {
                    "id": stable_id,
                    "kind": doc.kind,
                    "language": doc.language,
                    "title": doc.title,
                    "summary": doc.summary[:400],
                    "body": doc.body[:1500],
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")


def engine_run(queries: list[JudgedQuery], names: dict[str, str]) -> list[QueryScore]:
    """Every query through the site's search as a visitor sends it, scored."""
    from search.documents import Visibility
    from search.query import SearchQuery
    from search.selectors import search_run

    scores = []
    for query in queries:
        results = search_run(
            SearchQuery(
                text=query.text,
                language=query.language,
                visibility=(Visibility.PUBLIC,),
                page_size=CUTOFF,
                with_facets=False,
                with_highlights=False,
            ),
            # as the search page answers: a misspelt text by its correction, words no
            # document holds together by the documents holding most of them
            correct_spelling=True,
        )
        ranked = [names.get(hit.document.id, hit.document.id) for hit in results.hits]
        ndcg, recall = query_score(query, ranked)
        scores.append(
            QueryScore(query, ndcg, recall, ranked, results.total, degraded=results.degraded)
        )
    return scores


# --- the report -------------------------------------------------------------------------------


def report_print(
    scores: list[QueryScore],
    *,
    label: str,
    titles: dict[str, str],
    findable: set[str],
    details: bool,
) -> None:
    judged = {doc_id for score in scores for doc_id in score.query.relevant}
    missing = sorted(judged - findable)
    print(f"engine: {label}; {len(findable)} findable documents; {len(scores)} queries")
    if missing:
        print(
            f"warning: {len(missing)} judged documents cannot be found on this site (a partial "
            "demo, or renamed content?): "
            + ", ".join(missing[:8])
            + (" …" if len(missing) > 8 else "")
        )
    degraded = [score.query.id for score in scores if score.degraded]
    if degraded:
        print(
            f"warning: the database engine answered {len(degraded)} queries for the failed "
            f"engine ({', '.join(degraded[:5])}{' …' if len(degraded) > 5 else ''})"
        )
    print()
    print(f"| {'language':<8} | {'queries':>7} | {'nDCG@10':>7} | {'recall@10':>9} |")
    print(f"|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 11}|")
    by_language: dict[str, list[QueryScore]] = defaultdict(list)
    for score in scores:
        by_language[score.query.language].append(score)
    rows = [(language, by_language[language]) for language in LANGUAGES if by_language[language]]
    rows.append(("all", scores))
    for name, group in rows:
        ndcg = mean([s.ndcg for s in group])
        recall = mean([s.recall for s in group])
        print(f"| {name:<8} | {len(group):>7} | {ndcg:>7.3f} | {recall:>9.3f} |")
    tags: dict[str, list[QueryScore]] = defaultdict(list)
    for score in scores:
        for tag in score.query.tags:
            tags[tag].append(score)
    if tags:
        print("\nBy tag (a query may have several):")
        for tag, group in sorted(tags.items()):
            ndcg = mean([s.ndcg for s in group])
            recall = mean([s.recall for s in group])
            print(
                f"  {tag:<14} {len(group):>3} queries  nDCG@10 {ndcg:.3f}  recall@10 {recall:.3f}"
            )

    print(f"\nWorst {WORST} queries by nDCG@10:")
    for score in sorted(scores, key=lambda s: (s.ndcg, s.recall, s.query.id))[:WORST]:
        query = score.query
        found = sum(1 for doc_id in set(score.top) if doc_id in query.relevant)
        best = max(query.relevant, key=lambda d: (query.relevant[d], d))
        print(
            f"  {score.ndcg:.3f}  {query.language}  {query.text!r:<36} {score.total:>4} hits, "
            f"{found}/{len(query.relevant)} judged in the top {CUTOFF}; "
            f"wanted most: {titles.get(best, best)}"
        )
    if details:
        print("\nEvery query's first hits (grade in brackets; * = judged, not found):")
        for score in scores:
            query = score.query
            print(f"\n{query.id} [{query.language}] {query.text!r}: nDCG@10 {score.ndcg:.3f}")
            for rank, doc_id in enumerate(score.top, start=1):
                grade = query.relevant.get(doc_id, 0)
                print(f"  {rank:>2}. [{grade}] {doc_id}  {titles.get(doc_id, '')}")
            for doc_id in sorted(query.relevant, key=lambda d: -query.relevant[d]):
                if doc_id not in score.top:
                    print(f"   *  [{query.relevant[doc_id]}] {doc_id}  {titles.get(doc_id, '')}")

    overall = mean([s.ndcg for s in scores])
    verdict = "met" if overall >= GOAL else "not met"
    print(f"\nGoal: nDCG@10 >= {GOAL} overall: {verdict} ({overall:.3f}) on {label}.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="",
        help="a database to use (the demo is loaded into it when it has none); default: a "
        "scratch SQLite file with the demo loaded for this run",
    )
    parser.add_argument("--engine", choices=("database", "opensearch"), default="database")
    parser.add_argument(
        "--search-url",
        default="",
        help="with --engine opensearch: the cluster's SEARCH_URL (its index is rebuilt); "
        "default: an osmem-server started for the run",
    )
    parser.add_argument(
        "--no-rebuild",
        action="store_true",
        help="use the index of a --database-url as it is (the database engine only)",
    )
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE)
    parser.add_argument("--details", action="store_true", help="every query's first hits")
    parser.add_argument("--check", action="store_true", help="only validate the query file")
    parser.add_argument(
        "--dump",
        type=Path,
        help="also write every findable document to this file (JSON lines), for judging",
    )
    args = parser.parse_args()

    queries, titles = queries_load(args.queries)
    counts = {lang: sum(q.language == lang for q in queries) for lang in LANGUAGES}
    if args.check:
        judged = sum(len(q.relevant) for q in queries)
        print(
            f"{args.queries}: {len(queries)} queries ("
            + ", ".join(f"{n} {lang}" for lang, n in counts.items())
            + f"), {judged} judgements: well-formed."
        )
        return 0

    database_url = args.database_url
    if not database_url:
        scratch = tempfile.mkdtemp(prefix="kokeilu-relevance-")
        os.environ["KOKEILU_VAR_DIR"] = scratch  # the demo's images go there too
        database_url = f"sqlite:///{scratch}/relevance.sqlite3"

    server = None
    search_url = "database"
    if args.engine == "opensearch":
        search_url = args.search_url
        if not search_url:
            from search.osmem import osmem_start

            server = osmem_start()
            host = server.url.removeprefix("http://")
            # osmem-server 0.1.6 mis-stems Finnish queries (see search.engines.distributed)
            search_url = f"opensearch://{host}/relevance?languages=en,sv&timeout=60"
    try:
        django_setup(database_url, search_url)
        from django.db import connection

        from search.engines import get_engine

        demo_ensure(rebuild=not args.no_rebuild or args.engine != "database")
        engine = get_engine()
        names = stable_ids()
        documents = public_documents(names)
        if args.dump:
            corpus_dump(args.dump, documents)
            print(f"{len(documents)} documents written to {args.dump}.", file=sys.stderr)
        label = f"{engine.name} engine on {connection.vendor}"
        if args.engine == "opensearch":
            label = f"{engine.name} engine on {'osmem' if server else search_url.split('@')[-1]}"
        # the documents' own titles where the query file has none (the original's first)
        for stable_id, versions in documents.items():
            titles.setdefault(stable_id, versions[0].title)
        started = time.perf_counter()
        scores = engine_run(queries, names)
        elapsed = time.perf_counter() - started
        report_print(
            scores, label=label, titles=titles, findable=set(documents), details=args.details
        )
        print(f"{len(queries)} queries in {elapsed:.1f} s.")
    finally:
        if server is not None:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
