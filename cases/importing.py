"""Importing case studies from the project's copies of public datasets (see demo_data/).

`import_cases` (the management command) and `cases.demo.load_cases` both run `cases_import`.
Records are untrusted: their HTML goes through the site's sanitiser, their vocabulary values
through `demo_data/mapping.json` (values it does not know are reported, never silently dropped),
and a record that cannot be imported is reported with its id and reason while the rest import.
Idempotent: a record whose `source_id` a case of the library already has is skipped.
The sources' own boilerplate (editors' notes) and dead links are cleaned out on the way in
(`cases.import_cleaning`), and the report says how much was cleaned.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from wagtail.rich_text import RichText

from cases.bulk_insert import BuiltCase, cases_bulk_add
from cases.import_cleaning import Cleaning, first_paragraph_summary, html_clean, summary_clean
from cases.models import (
    CaseIndexPage,
    CaseLink,
    CasePage,
    ControlGroup,
    ExperimentOutcome,
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
    cleaning: Cleaning = field(default_factory=Cleaning)  # totals over the imported cases
    cleaned_cases: int = 0
    derived_summaries: int = 0

    def lines(self) -> Iterator[str]:
        """The report for people: counts, what was cleaned, every failed record, every
        unmapped value."""
        yield (
            f"{self.created} created, {self.existing} already imported, "
            f"{len(self.failed)} could not be imported."
        )
        if self.cleaned_cases:
            yield (
                f"  cleaned {self.cleaned_cases} cases: "
                f"{self.cleaning.boilerplate_sentences} source boilerplate sentences dropped, "
                f"{self.cleaning.dead_links} dead links unwrapped, "
                f"{self.derived_summaries} summaries taken from the first paragraph instead"
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
    for case in built:
        if case.cleaning:
            report.cleaned_cases += 1
            report.derived_summaries += case.cleaning.summary_derived
            report.cleaning.add(case.cleaning)
    return report


def cases_clean_existing(*, index: CaseIndexPage) -> ImportReport:
    """Clean the texts of cases imported before the import cleaned them (`import_cases
    --clean-existing`): the same cleaning as a new import, on the stored texts, for imported
    cases nobody has edited since (a case with a revision is an editor's; it is left alone).
    Returns a report whose cleaning counts say what changed."""
    from search.outbox import outbox_enqueue

    report = ImportReport()
    changed: list[int] = []
    with transaction.atomic():
        _existing_clean(index, report, changed)
    outbox_enqueue(f"case:{pk}" for pk in changed)
    return report


def _existing_clean(index: CaseIndexPage, report: ImportReport, changed: list[int]) -> None:
    cases = (
        CasePage.objects.child_of(index)
        .exclude(source_id="")
        .filter(latest_revision__isnull=True)
        .select_for_update()
    )
    for case in cases:
        cleaning = Cleaning()
        texts = {name: html_clean(getattr(case, name), cleaning) for name in NARRATIVE_FIELDS}
        body = [
            (child.block_type, RichText(html_clean(child.value.source, cleaning)))
            if child.block_type == "paragraph"
            else (child.block_type, child.value)
            for child in case.body
        ]
        summary = summary_clean(case.summary, cleaning)
        if not summary:
            paragraphs = "".join(value.source for kind, value in body if kind == "paragraph")
            summary = first_paragraph_summary(*_summary_order({**texts, "body": paragraphs}))
            cleaning.summary_derived = bool(summary)
        if not cleaning:
            continue
        for name, text in texts.items():
            setattr(case, name, text)
        case.body = body
        case.summary = summary[:500]
        # clean=False: stored imports are not re-validated against today's editor limits
        case.save(update_fields=[*NARRATIVE_FIELDS, "body", "summary"], clean=False)
        changed.append(case.pk)
        report.cleaned_cases += 1
        report.derived_summaries += cleaning.summary_derived
        report.cleaning.add(cleaning)


def case_from_record(
    record: dict,
    *,
    source: Source,
    mapper: VocabularyMapper,
    report: ImportReport,
    tools: dict[str, object] | None = None,
) -> BuiltCase:
    """An unsaved case page, its many-to-many terms and its child rows, from one record.
    Raises RecordError when the record lacks what a case needs. The texts are cleaned of the
    source's boilerplate and dead links (counted in the BuiltCase's `cleaning`)."""
    title, source_id, source_url = _record_identity(record)
    raw = _record_object(record, "raw", "“raw” must be an object of vocabulary values")
    sections = _record_object(record, "sections", "“sections” must be an object of HTML texts")
    keys = {name: mapper.keys(name, _raw_values(raw, name), report) for name in FACET_VOCABULARIES}
    status = mapper.keys("statuses", _raw_values(raw, "status"), report)
    cleaning = Cleaning()
    texts = {
        name: html_clean(_sanitised(sections.get(name)), cleaning)
        for name in (*NARRATIVE_FIELDS, "body")
    }
    summary = summary_clean(plain_text(str(record.get("summary") or "")), cleaning)
    if not summary:
        # the summary was only an editor's note: the case's first paragraph says what it is
        summary = first_paragraph_summary(*_summary_order(texts))
        cleaning.summary_derived = bool(summary)
    page = CasePage(
        title=title,
        summary=summary[:500],
        year_launched=_year(record.get("year_launched")),
        status=status[0] if status else "",
        organisations="\n".join(
            plain_text(str(name))[:200] for name in record.get("organisations") or [] if name
        ),
        body=body_from_html(texts["body"]),
        source_name=source.display_name,
        source_id=source_id,
        source_url=source_url,
        licence=source.licence,
        licence_url=source.licence_url,
        **{name: texts[name] for name in NARRATIVE_FIELDS},
    )
    children: dict[str, list] = {"links": _record_links(record)}
    experiment = record.get("experiment")
    if experiment:
        _experiment_fill(page, experiment, mapper, report, children)
    relations = _relations(keys, mapper=mapper, report=report)
    if tools:
        relations["tools"] = _tools_named(_raw_values(raw, "methods"), tools)
    return BuiltCase(page=page, relations=relations, children=children, cleaning=cleaning)


def _summary_order(texts: dict[str, str]) -> list[str]:
    # where the builder looked for a summary (demo_data/build.py), then the other sections
    first = ("innovation", "problem", "body")
    return [texts[name] for name in first] + [
        text for name, text in texts.items() if name not in first
    ]


def _record_identity(record: dict) -> tuple[str, str, str]:
    """The record's title, source id and source address, or RecordError."""
    title = plain_text(str(record.get("title") or ""))[:255]
    if not title:
        raise RecordError("the record has no title")
    source_id = str(record.get("source_id") or "").strip()
    if not source_id or len(source_id) > 100:
        raise RecordError("the record has no usable source_id")
    source_url = str(record.get("source_url") or "").strip()
    if not _HTTP.match(source_url) or len(source_url) > 500:
        raise RecordError(f"source_url {source_url[:80]!r} is not an http(s) address")
    return title, source_id, source_url


def _record_object(record: dict, name: str, refusal: str) -> dict:
    value = record.get(name) or {}
    if not isinstance(value, dict):
        raise RecordError(refusal)
    return value


def _raw_values(raw: dict, name: str) -> list[str]:
    value = raw.get(name) or []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _record_links(record: dict) -> list[CaseLink]:
    return [
        CaseLink(title=plain_text(str(link.get("title") or link["url"]))[:255], url=link["url"])
        for link in record.get("links") or []
        if isinstance(link, dict)
        and _HTTP.match(str(link.get("url") or ""))
        and len(link["url"]) <= 500
    ]


def _relations(
    keys: dict[str, list[str]], *, mapper: VocabularyMapper, report: ImportReport
) -> dict[str, list]:
    """The vocabulary terms of `keys`; a mapped key the vocabulary lacks is reported."""
    relations: dict[str, list] = {}
    for name in FACET_VOCABULARIES:
        terms = mapper.terms[name]
        relations[name] = [terms[key] for key in keys[name] if key in terms]
        for key in keys[name]:
            if key not in terms:
                report.unmapped[(name, f"{key} (key missing from the vocabulary)")] += 1
    return relations


def _tools_named(methods: list[str], tools: dict[str, object]) -> list:
    """The toolkit resources titled like the record's methods, each once, in method order."""
    found = (tools.get(value.lower()) for value in methods)
    return list({id(tool): tool for tool in found if tool}.values())


# Free-text facts of an experiment: one line cut to its field's length (None: no limit), and
# texts that keep their line breaks.
_EXPERIMENT_PLAIN = {"learning_question": None, "sample_size": 100, "cost": 100, "duration": 100}
_EXPERIMENT_LINES = ("hypothesis", "hypothesis_result")


def _experiment_fill(page, experiment, mapper, report, children) -> None:
    if not isinstance(experiment, dict):
        raise RecordError("“experiment” must be an object")
    page.is_experiment = True
    for name, limit in _EXPERIMENT_PLAIN.items():
        setattr(page, name, plain_text(str(experiment.get(name) or ""))[:limit])
    for name in _EXPERIMENT_LINES:
        setattr(page, name, _text(experiment.get(name)))
    groups = mapper.keys("control_groups", experiment.get("control_group") or [], report)
    page.control_group = _control_group(groups) or page.control_group
    assignment = mapper.keys("assignments", [str(experiment.get("assignment") or "")], report)
    page.assignment = assignment[0] if assignment else ""
    page.hypothesis_outcome = outcome_classify(page.hypothesis_result, mapper)
    children["criteria"] = [
        _criterion(criterion, mapper)
        for criterion in experiment.get("criteria") or []
        if isinstance(criterion, dict) and criterion.get("indicator")
    ]


def _control_group(groups: list[str]) -> str:
    """One control group for the keys a record gives: "unknown" only when nothing else is
    known; a different group and the same group before make "both"; "" for no key."""
    known = [group for group in groups if group != ControlGroup.UNKNOWN] or groups
    if {ControlGroup.DIFFERENT_GROUP, ControlGroup.SAME_GROUP_BEFORE} <= set(known):
        return ControlGroup.BOTH
    return known[0] if known else ""


def _criterion(criterion: dict, mapper: VocabularyMapper) -> SuccessCriterion:
    result = _text(criterion.get("result"))
    return SuccessCriterion(
        indicator=plain_text(str(criterion.get("indicator") or ""))[:500],
        baseline=plain_text(str(criterion.get("baseline") or ""))[:255],
        target=plain_text(str(criterion.get("target") or ""))[:255],
        result=result,
        outcome=criterion.get("outcome") or outcome_classify(result, mapper),
    )


def outcome_classify(text: str, mapper: VocabularyMapper | None = None) -> str:
    """The verdict a free-text result states (met, partly-met, not-met, inconclusive), by the
    patterns of mapping.json; "" when there is no result yet."""
    if not text.strip():
        return ""
    mapping = (mapper.mapping if mapper else _mapping())["hypothesis_outcomes"]
    for pattern, outcome in mapping["patterns"]:
        if re.search(pattern, text, re.I):
            return outcome
    return ExperimentOutcome.INCONCLUSIVE


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
