"""Importing case studies from the project's copies of public datasets (see demo_data/).

`import_cases` (the management command) and `cases.demo.load_cases` both run `cases_import`.
Records are untrusted: their HTML goes through the site's sanitiser, their vocabulary values
through `demo_data/mapping.json` (values it does not know are reported, never silently dropped),
and a record that cannot be imported is reported with its id and reason while the rest import.
Idempotent: a record whose `source_id` a case of the library already has is skipped.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from cases.models import (
    CaseIndexPage,
    CaseLink,
    CasePage,
    SuccessCriterion,
)
from portal.demo_records import demo_records_read, vocabulary_terms
from portal.rich_text import body_from_html, plain_text, sanitise_html

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
MAPPING_FILE = DATA_DIR / "mapping.json"


@dataclass(frozen=True)
class Source:
    name: str  # the --source value
    file: Path
    display_name: str
    licence: str
    licence_url: str


SOURCES: dict[str, Source] = {
    "participedia": Source(
        "participedia",
        DATA_DIR / "participedia_cases.jsonl.gz",
        "Participedia",
        "CC BY-SA 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "undp": Source(
        "undp",
        DATA_DIR / "undp_experiments.jsonl.gz",
        "UNDP Accelerator Labs (SDG Commons)",
        "MIT",
        "https://github.com/UNDP-Accelerator-Labs/sdg-innovation-commons/blob/"
        "6dc41cbfe529aef71c489c33bd0abab93291342d/LICENSE",
    ),
}

# record["raw"] key -> vocabulary of portal.models.taxonomy.VOCABULARIES
FACET_VOCABULARIES = ("countries", "themes", "methods", "government_levels", "sdgs", "stages")
NARRATIVE_FIELDS = (
    "problem",
    "innovation",
    "novelty",
    "collaboration",
    "users",
    "results",
    "challenges",
    "conditions",
    "replication",
    "lessons",
)
_HTTP = re.compile(r"^https?://", re.I)


class RecordError(ValueError):
    """The record cannot become a case; the message says why."""


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (record id, reason)
    unmapped: Counter = field(default_factory=Counter)  # (vocabulary, value) -> records

    def lines(self) -> Iterator[str]:
        """The report for people: counts, every failed record, every unmapped value."""
        yield (
            f"{self.created} created, {self.existing} already imported, "
            f"{len(self.failed)} could not be imported."
        )
        for record_id, reason in self.failed:
            yield f"  not imported: {record_id}: {reason}"
        for (vocabulary, value), count in sorted(self.unmapped.items()):
            yield (
                f"  unmapped {vocabulary} value {value!r} ({count} records): add it to mapping.json"
            )


@cache
def _mapping() -> dict:
    return json.loads(MAPPING_FILE.read_text(encoding="utf-8"))


class VocabularyMapper:
    """Source values to keys, with the mapping file and the vocabularies in the database."""

    def __init__(self, mapping: dict | None = None) -> None:
        self.mapping = mapping or _mapping()
        self.terms = vocabulary_terms(*FACET_VOCABULARIES)
        self.country_names = {
            term.name.lower(): key for key, term in self.terms["countries"].items()
        }

    def keys(self, vocabulary: str, values: Iterable[str], report: ImportReport) -> list[str]:
        """The keys for `values`; unknown values are counted in the report."""
        keys: list[str] = []
        for value in values:
            found, key = self.lookup(vocabulary, value)
            if not found:
                report.unmapped[(vocabulary, value)] += 1
            elif key and key not in keys:
                keys.append(key)
        return keys

    def lookup(self, vocabulary: str, value: str) -> tuple[bool, str | None]:
        """(known, key): known is False for a value nobody reviewed; key None when deliberately
        not mapped."""
        value = (value or "").strip()
        if not value:
            return True, None
        table = self.mapping.get(vocabulary, {})
        values = {k.lower(): v for k, v in table.get("values", {}).items() if not k.startswith("_")}
        lowered = value.lower()
        if lowered in values:
            return True, values[lowered]
        if vocabulary == "countries" and lowered in self.country_names:
            return True, self.country_names[lowered]
        if vocabulary in self.terms and lowered in self.terms[vocabulary]:
            return True, lowered  # already a key
        for pattern, template in table.get("patterns", []):
            match = re.search(pattern, value, re.I)
            if match:
                return True, template.format(match.group(0), *match.groups())
        return False, None


def records_read(source: str) -> Iterator[dict]:
    """The records of one source's copy, in file order (best first)."""
    return demo_records_read(SOURCES[source].file)


def cases_import(
    *,
    index: CaseIndexPage,
    sources: Iterable[str] = ("participedia", "undp"),
    limit: int | None = None,
    records: dict[str, Iterable[dict]] | None = None,
) -> ImportReport:
    """Import the records of `sources` (at most `limit` per source) as live case studies under
    `index`, in one transaction. `records` replaces the files (tests). A record that cannot
    become a case is reported with its id and reason, and the others import."""
    report = ImportReport()
    mapper = VocabularyMapper()
    existing_ids = set(
        CasePage.objects.child_of(index).exclude(source_id="").values_list("source_id", flat=True)
    )
    slugs = set(index.get_children().values_list("slug", flat=True))
    tools = _tools_by_title()
    built: list[BuiltCase] = []
    for source_name in sources:
        source = SOURCES[source_name]
        stream = records[source_name] if records is not None else records_read(source_name)
        for record in islice(stream, limit):
            record_id = str(record.get("source_id") or record.get("title") or "?")[:100]
            if record.get("source_id") in existing_ids:
                report.existing += 1
                continue
            try:
                case = case_from_record(
                    record, source=source, mapper=mapper, report=report, tools=tools
                )
            except RecordError as error:
                report.failed.append((record_id, str(error)))
                continue
            case.page.slug = _unique_slug(case.page.title, slugs)
            slugs.add(case.page.slug)
            existing_ids.add(case.page.source_id)
            built.append(case)
    with transaction.atomic():
        cases_bulk_add(index=index, cases=built)
    report.created = len(built)
    return report


@dataclass
class BuiltCase:
    """An unsaved case page with its many-to-many terms and its child rows."""

    page: CasePage
    relations: dict[str, list]
    children: dict[str, list]


def cases_bulk_add(*, index: CaseIndexPage, cases: list[BuiltCase]) -> None:
    """Add live case pages under `index` with a few queries per batch instead of Wagtail's
    `add_child` per page (minutes for a thousand cases).

    Safe because these pages are born published, have no revisions and are the last children
    of `index`: the tree paths continue the index's last child path, exactly as `add_child`
    would number them, and the index's `numchild` is updated in the same transaction. The
    search outbox, Wagtail's reference index and admin search index are updated afterwards in
    bulk.
    """
    if not cases:
        return
    from wagtail.models import Locale, Page

    index = Page.objects.select_for_update().get(pk=index.pk).specific
    last = index.get_last_child()
    position = last._get_lastpos_in_path() if last else 0
    content_type = ContentType.objects.get_for_model(CasePage)
    now = timezone.now()
    locale_id = index.locale_id or Locale.get_default().pk
    depth = index.depth + 1
    for number, case in enumerate(cases, start=position + 1):
        page = case.page
        page.path = CasePage._get_path(index.path, depth, number)
        page.depth = depth
        page.numchild = 0
        page.url_path = f"{index.url_path}{page.slug}/"
        page.content_type = content_type
        page.draft_title = page.title
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.last_published_at = now
        page.locale_id = locale_id
        page.translation_key = uuid.uuid4()
    for batch in _batches(cases, BULK_BATCH_SIZE):
        _pages_insert([case.page for case in batch])
        for name in (
            "countries",
            "themes",
            "methods",
            "stages",
            "government_levels",
            "innovation_types",
            "sdgs",
            "tools",
        ):
            field = CasePage._meta.get_field(name)
            through = field.remote_field.through
            source_column = field.m2m_field_name()
            target_column = field.m2m_reverse_field_name()
            through.objects.bulk_create(
                through(**{f"{source_column}_id": case.page.pk, f"{target_column}_id": term.pk})
                for case in batch
                for term in case.relations.get(name, ())
            )
        for name, model in (("links", CaseLink), ("criteria", SuccessCriterion)):
            rows = []
            for case in batch:
                for order, row in enumerate(case.children.get(name, ())):
                    row.page_id = case.page.pk
                    row.sort_order = order
                    rows.append(row)
            model.objects.bulk_create(rows)
    Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + len(cases))
    pages = [case.page for case in cases]
    transaction.on_commit(lambda: _indexes_update(pages))
    from search.outbox import outbox_enqueue

    outbox_enqueue(f"case:{page.pk}" for page in pages)


BULK_BATCH_SIZE = 200


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pages_insert(pages: list[CasePage]) -> None:
    # Multi-table inheritance: the wagtailcore_page rows first (their ids come back from the
    # database), then the cases_casepage rows pointing at them.
    from wagtail.models import Page

    base_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    parents = [Page(**{f.attname: getattr(page, f.attname) for f in base_fields}) for page in pages]
    Page.objects.bulk_create(parents)
    for page, parent in zip(pages, parents, strict=True):
        page.pk = page.page_ptr_id = parent.pk
        page.id = parent.pk
        page._state.adding = False
    local_fields = list(CasePage._meta.local_concrete_fields)
    CasePage.objects._insert(pages, fields=local_fields, using=router.db_for_write(CasePage))


def _indexes_update(pages: list[CasePage]) -> None:
    """Wagtail's admin search index for pages inserted in bulk (one bulk call per backend).
    The reference index is rebuilt by `rebuild_references_index` (the demo loader and the
    import command run it)."""
    try:
        from modelsearch.backends import get_search_backends_with_name
    except ImportError:  # pragma: no cover - Wagtail without modelsearch
        return
    objects = list(CasePage.objects.filter(pk__in=[page.pk for page in pages]))
    for _name, backend in get_search_backends_with_name(with_auto_update=True):
        for batch in _batches(objects, BULK_BATCH_SIZE):
            backend.add_bulk(CasePage, batch)


def case_from_record(
    record: dict,
    *,
    source: Source,
    mapper: VocabularyMapper,
    report: ImportReport,
    tools: dict[str, object] | None = None,
) -> BuiltCase:
    """An unsaved case page, its many-to-many terms and its child rows, from one record.
    Raises RecordError when the record lacks what a case needs."""
    title = plain_text(str(record.get("title") or ""))[:255]
    if not title:
        raise RecordError("the record has no title")
    source_id = str(record.get("source_id") or "").strip()
    if not source_id or len(source_id) > 100:
        raise RecordError("the record has no usable source_id")
    source_url = str(record.get("source_url") or "").strip()
    if not _HTTP.match(source_url) or len(source_url) > 500:
        raise RecordError(f"source_url {source_url[:80]!r} is not an http(s) address")
    raw = record.get("raw") or {}
    if not isinstance(raw, dict):
        raise RecordError("“raw” must be an object of vocabulary values")
    sections = record.get("sections") or {}
    if not isinstance(sections, dict):
        raise RecordError("“sections” must be an object of HTML texts")

    def values(name: str) -> list[str]:
        value = raw.get(name) or []
        return [str(v) for v in (value if isinstance(value, list) else [value])]

    keys = {name: mapper.keys(name, values(name), report) for name in FACET_VOCABULARIES}
    status = mapper.keys("statuses", values("status"), report)
    page = CasePage(
        title=title,
        summary=plain_text(str(record.get("summary") or ""))[:500],
        year_launched=_year(record.get("year_launched")),
        status=status[0] if status else "",
        organisations="\n".join(
            plain_text(str(name))[:200] for name in record.get("organisations") or [] if name
        ),
        body=body_from_html(_WHITESPACE_RUN.sub(" ", str(sections.get("body") or ""))),
        source_name=source.display_name,
        source_id=source_id,
        source_url=source_url,
        licence=source.licence,
        licence_url=source.licence_url,
        **{name: _sanitised(sections.get(name)) for name in NARRATIVE_FIELDS},
    )
    children: dict[str, list] = {
        "links": [
            CaseLink(title=plain_text(str(link.get("title") or link["url"]))[:255], url=link["url"])
            for link in record.get("links") or []
            if isinstance(link, dict)
            and _HTTP.match(str(link.get("url") or ""))
            and len(link["url"]) <= 500
        ]
    }
    experiment = record.get("experiment")
    if experiment:
        _experiment_fill(page, experiment, mapper, report, children)
    relations = {
        name: [mapper.terms[name][key] for key in keys[name] if key in mapper.terms[name]]
        for name in FACET_VOCABULARIES
    }
    for name in FACET_VOCABULARIES:
        for key in keys[name]:
            if key not in mapper.terms[name]:
                report.unmapped[(name, f"{key} (key missing from the vocabulary)")] += 1
    if tools:
        relations["tools"] = list(
            {
                id(tool): tool for value in values("methods") if (tool := tools.get(value.lower()))
            }.values()
        )
    return BuiltCase(page=page, relations=relations, children=children)


def _experiment_fill(page, experiment, mapper, report, children) -> None:
    if not isinstance(experiment, dict):
        raise RecordError("“experiment” must be an object")
    page.is_experiment = True
    page.learning_question = plain_text(str(experiment.get("learning_question") or ""))
    page.hypothesis = _text(experiment.get("hypothesis"))
    groups = mapper.keys("control_groups", experiment.get("control_group") or [], report)
    groups = [g for g in groups if g != "unknown"] or groups
    if {"different-group", "same-group-before"} <= set(groups):
        page.control_group = "both"
    elif groups:
        page.control_group = groups[0]
    assignment = mapper.keys("assignments", [str(experiment.get("assignment") or "")], report)
    page.assignment = assignment[0] if assignment else ""
    page.sample_size = plain_text(str(experiment.get("sample_size") or ""))[:100]
    page.cost = plain_text(str(experiment.get("cost") or ""))[:100]
    page.duration = plain_text(str(experiment.get("duration") or ""))[:100]
    page.hypothesis_result = _text(experiment.get("hypothesis_result"))
    page.hypothesis_outcome = outcome_classify(page.hypothesis_result, mapper)
    children["criteria"] = [
        SuccessCriterion(
            indicator=plain_text(str(criterion.get("indicator") or ""))[:500],
            baseline=plain_text(str(criterion.get("baseline") or ""))[:255],
            target=plain_text(str(criterion.get("target") or ""))[:255],
            result=_text(criterion.get("result")),
            outcome=criterion.get("outcome")
            or outcome_classify(_text(criterion.get("result")), mapper),
        )
        for criterion in experiment.get("criteria") or []
        if isinstance(criterion, dict) and criterion.get("indicator")
    ]


def outcome_classify(text: str, mapper: VocabularyMapper | None = None) -> str:
    """The verdict a free-text result states (met, partly-met, not-met, inconclusive), by the
    patterns of mapping.json; "" when there is no result yet."""
    if not text.strip():
        return ""
    mapping = (mapper.mapping if mapper else _mapping())["hypothesis_outcomes"]
    for pattern, outcome in mapping["patterns"]:
        if re.search(pattern, text, re.I):
            return outcome
    return "inconclusive"


_WHITESPACE_RUN = re.compile(r"\s+")


def _sanitised(value) -> str:
    # Runs of spaces and no-break spaces collapse first: HTML renders them as one space.
    return sanitise_html(_WHITESPACE_RUN.sub(" ", str(value))) if value else ""


def _text(value) -> str:
    """Plain text that keeps its line breaks (for linebreaksbr)."""
    lines = (plain_text(line) for line in str(value or "").splitlines())
    return "\n".join(line for line in lines if line)


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2100 else None


def _unique_slug(title: str, taken: set[str]) -> str:
    base = slugify(title, allow_unicode=False)[:70].strip("-") or "case"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _tools_by_title() -> dict[str, object]:
    # Conservative: a source method links a toolkit resource only when the names are equal.
    try:
        from toolkit.models import ResourcePage
    except ImportError:  # the toolkit app is optional
        return {}
    return {page.title.strip().lower(): page for page in ResourcePage.objects.live().only("title")}
