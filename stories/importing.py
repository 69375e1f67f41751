"""Importing the UNDP Accelerator Labs experimenter stories (see demo_data/SOURCE.md).

`import_stories` (the management command) and `stories.demo.load_stories` both run
`stories_import`. Each interview becomes a published `StoryPage`: its kind, root causes and
country come only from the reviewed `demo_data/mapping.json` (a story the mapping lacks is
reported, never guessed), and the interview's Markdown becomes sanitised HTML split into the
story's narrative fields by the interviewer's questions. Records are untrusted: a record that
cannot become a story is reported with its id and reason while the rest import. Idempotent: a
record whose `source_id` a story already has is skipped.

The interviews are in English: they go under the stories index of the site's default language
(`stories_import_index`), never under one of its translations, whichever comes first in the
page tree.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path

from django.db import transaction
from django.utils.text import Truncator, slugify

from wagtail.models import Locale, Page

import markdown

from portal.demo_records import demo_records_read
from portal.models import Country
from portal.rich_text import plain_text, sanitise_html
from stories.models import StoryIndexPage, StoryPage
from stories.vocabularies import Disclosure, RootCause, StoryKind

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DATA_FILE = DATA_DIR / "undp_stories.jsonl.gz"
MAPPING_FILE = DATA_DIR / "mapping.json"

SOURCE_NAME = "UNDP Accelerator Labs"
SOURCE_ID_PREFIX = "undp-story:"
LICENCE = "MIT"
LICENCE_URL = (
    "https://github.com/UNDP-Accelerator-Labs/sdg-innovation-commons/blob/"
    "6dc41cbfe529aef71c489c33bd0abab93291342d/LICENSE"
)
SOURCE_URL = re.compile(r"^https://github\.com/UNDP-Accelerator-Labs/[\w./%-]+$")
SUMMARY_CHARS = 500

# The recordings' timestamps in every spelling the transcripts use: [[0:07]], [[0:01\]\],
# [[\[0:06]], [[12:46\], \[12:58]], \[\[11:28]], [[2:40 (unclosed) and [[1:02:03]].
_TIMESTAMP = re.compile(r"(?:\\?\[){1,3}\s*\d{1,2}:\d{1,2}(?::\d{1,2})?\s*(?:\\?\]){0,3}[ \t]*")
_QUESTION = re.compile(r"^#{1,6}[ \t]*(.*)$")
_SUMMARY_PREAMBLE = re.compile(r"^\s*here is a summary[^:\n]*:\s*", re.I)
_SENTENCE_END = re.compile(r"[.!?](?=\s)")

# Which narrative field an interviewer's question opens, tried in this order; a question that
# matches none continues the field of the question before it (a follow-up).
SECTION_QUESTIONS: tuple[tuple[str, re.Pattern], ...] = (
    (
        "do_differently",
        re.compile(r"differently|start(ed)? (again|over)|if you had to start|second chance", re.I),
    ),
    (
        "what_we_learned",
        re.compile(
            r"learn|surpris|change your mind|skills?\b|principles?|assumptions?|lessons?|"
            r"takeaway|reflect|advice",
            re.I,
        ),
    ),
    (
        "what_happened",
        re.compile(
            r"outcome|result|impact|achiev|diffusion|adoption|adopt|scal(e|ing)|challenges?|"
            r"obstacles?|difficult|policy ?makers|what happened|sustainable development",
            re.I,
        ),
    ),
    (
        "what_we_tried",
        re.compile(
            r"r ?& ?d|rnd|activity|development issue|first step|tools?|methods?|approach|"
            r"tactics?|stakeholders?|partners?|design|experiment|journey|project",
            re.I,
        ),
    ),
)
FIRST_SECTION = "what_we_tried"
NARRATIVE_ORDER = ("what_we_tried", "what_happened", "what_we_learned", "do_differently")
# An exchange whose answer is shorter than this is small talk ("How are you?" "Good.").
MIN_ANSWER_CHARS = 40


class RecordError(ValueError):
    """The record cannot become a story; the message says why."""


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (record id, reason)
    unmapped: list[str] = field(default_factory=list)  # record ids missing from the mapping
    tools_linked: int = 0

    def lines(self) -> Iterator[str]:
        """The report for people: counts, every failed record, every unmapped story."""
        yield (
            f"{self.created} stories created, {self.existing} already imported, "
            f"{len(self.failed)} could not be imported, {len(self.unmapped)} not in the mapping."
        )
        for record_id, reason in self.failed:
            yield f"  not imported: {record_id}: {reason}"
        for record_id in self.unmapped:
            yield (
                f"  not in mapping.json: {record_id}: review its kind and add it "
                "(python -m stories.demo_data.build adds a first guess)"
            )


@cache
def mapping_read() -> dict:
    """The reviewed mapping: {"stories": {record id: {kind, root_causes, country, reason}}}."""
    return json.loads(MAPPING_FILE.read_text(encoding="utf-8"))


def records_read() -> Iterator[dict]:
    """The interviews of the project's copy, in file order."""
    return demo_records_read(DATA_FILE)


def stories_import_index() -> StoryIndexPage | None:
    """The stories index the interviews go under: the first in the page tree in the site's
    default language (English), whatever translations of it exist; None when there is none."""
    return StoryIndexPage.objects.filter(locale=Locale.get_default()).order_by("path").first()


def _index_in_default_language(index: StoryIndexPage) -> StoryIndexPage:
    default = Locale.get_default()
    if index.locale_id == default.pk:
        return index
    original = index.get_translation_or_none(default)
    if original is None:
        raise ValueError(
            f"The stories index {index.pk} is in another language than the interviews "
            f"({default.language_code}) and has no version in theirs."
        )
    return original


def stories_import(
    *,
    index: StoryIndexPage,
    limit: int | None = None,
    records: Iterable[dict] | None = None,
    mapping: dict | None = None,
) -> ImportReport:
    """Import the interviews (at most `limit` records read) as published stories under `index`,
    in one transaction, and return what happened. `records` and `mapping` replace the
    project's files (tests). A record missing from the mapping or that cannot become a story is
    reported and the others import; a record already imported is skipped.

    The stories are in English: given a translation of the stories index, they go under its
    version in the default language (`ValueError` when it has none)."""
    index = _index_in_default_language(index)
    report = ImportReport()
    entries = (mapping or mapping_read()).get("stories", {})
    stream = records if records is not None else records_read()
    existing_ids = set(
        StoryPage.objects.filter(source_id__startswith=SOURCE_ID_PREFIX).values_list(
            "source_id", flat=True
        )
    )
    slugs = set(Page.objects.child_of(index).values_list("slug", flat=True))
    countries = {country.key: country for country in Country.objects.all()}
    tools = _tools_by_title()
    with transaction.atomic():
        for record in islice(stream, limit):
            record_id = str(record.get("id") or "?")[:80] if isinstance(record, dict) else "?"
            if f"{SOURCE_ID_PREFIX}{record_id}" in existing_ids:
                report.existing += 1
                continue
            if record_id not in entries:
                report.unmapped.append(record_id)
                continue
            try:
                story, linked = story_from_record(
                    record, entry=entries[record_id], countries=countries, tools=tools
                )
            except RecordError as error:
                report.failed.append((record_id, str(error)))
                continue
            story.slug = _unique_slug(story.title, slugs)
            slugs.add(story.slug)
            story.set_links(tools=linked)
            index.add_child(instance=story)
            story.save_revision(log_action=False).publish(log_action=False)
            existing_ids.add(story.source_id)
            report.created += 1
            report.tools_linked += len(linked)
    return report


def story_from_record(
    record: dict, *, entry: dict, countries: dict[str, Country], tools: dict[str, object]
) -> tuple[StoryPage, list]:
    """An unsaved story and the toolkit resources it names, from one record and its mapping
    entry. Raises RecordError when either lacks what a story needs."""
    source = record_source_read(record)
    mapping = mapping_entry_read(entry, countries=countries)
    sections = interview_sections(source.interview)
    if not any(sections.values()):
        raise RecordError("the interview has no answers")
    story = StoryPage(
        title=source.title,
        kind=mapping.kind,
        root_causes=mapping.root_causes,
        summary=story_summary(str(record.get("summary") or "")),
        country=mapping.country,
        # The experimenter is named in the interview, not a member of the network: no author.
        # Consent: they agreed on the recording to a published interview, and UNDP published it.
        author=None,
        disclosure=Disclosure.PUBLIC_NAMED,
        disclosure_consent=True,
        source_name=SOURCE_NAME,
        source_id=f"{SOURCE_ID_PREFIX}{source.record_id}",
        source_url=source.source_url,
        licence=LICENCE,
        licence_url=LICENCE_URL,
        **sections,
    )
    return story, record_tools(record, tools=tools)


@dataclass(frozen=True)
class RecordSource:
    """What a UNDP record itself must hold: its id, title, address and interview."""

    record_id: str
    title: str
    source_url: str
    interview: str


def record_source_read(record: object) -> RecordSource:
    """The checked id, title, address and interview of a record; RecordError names what is
    missing or wrong."""
    if not isinstance(record, dict):
        raise RecordError("the record is not an object")
    record_id = str(record.get("id") or "").strip()
    if not re.fullmatch(r"[\w-]{1,80}", record_id):
        raise RecordError("the record has no usable id")
    title = story_title(str(record.get("title") or ""))
    if not title:
        raise RecordError("the record has no title")
    source_url = str(record.get("source_url") or "").strip()
    if not SOURCE_URL.match(source_url) or len(source_url) > 500:
        raise RecordError(f"source_url {source_url[:80]!r} is not a UNDP Accelerator Labs address")
    interview = record.get("interview")
    if not isinstance(interview, str) or not interview.strip():
        raise RecordError("the record has no interview")
    return RecordSource(record_id, title, source_url, interview)


@dataclass(frozen=True)
class MappingEntry:
    """What mapping.json says of a record: the kind of story, its root causes, its country."""

    kind: str
    root_causes: list[str]
    country: Country | None


def mapping_entry_read(entry: dict, *, countries: dict[str, Country]) -> MappingEntry:
    """The checked kind, root causes and country of a mapping entry; RecordError names an
    unknown value."""
    kind = entry.get("kind")
    if kind not in StoryKind.values:
        raise RecordError(f"mapping.json gives the unknown kind {kind!r}")
    causes = list(entry.get("root_causes") or [])
    unknown = [cause for cause in causes if cause not in RootCause.values]
    if unknown:
        raise RecordError(f"mapping.json gives unknown root causes {unknown!r}")
    country = None
    if entry.get("country"):
        country = countries.get(entry["country"])
        if country is None:
            raise RecordError(f"mapping.json gives the unknown country key {entry['country']!r}")
    return MappingEntry(kind, causes, country)


def record_tools(record: dict, *, tools: dict[str, object]) -> list:
    """The toolkit resources a record's tools and tactics name, each once."""
    names = [str(name).strip().lower() for name in (record.get("tools") or [])]
    names += [str(name).strip().lower() for name in (record.get("tactics") or [])]
    return list({id(tool): tool for name in names if (tool := tools.get(name))}.values())


def story_title(value: str) -> str:
    """The interview's title as a page title: plain, without Markdown marks or wrapping quotes."""
    title = plain_text(value).lstrip("# ").strip().strip("\"“”'").strip()
    return title.rstrip(".").strip()[:255]


def story_summary(value: str) -> str:
    """The interview's summary as plain text of at most 500 characters, cut after a sentence
    (or else at the 499th character, with an ellipsis), without the summariser's own preamble."""
    text = plain_text(_SUMMARY_PREAMBLE.sub("", value or ""))
    if len(text) <= SUMMARY_CHARS:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text[: SUMMARY_CHARS + 1])]
    if ends and ends[-1] >= SUMMARY_CHARS // 2:
        return text[: ends[-1]]
    # An explicit ellipsis: imported data must not depend on the active language.
    return Truncator(text).chars(SUMMARY_CHARS, truncate="…")


def interview_sections(interview: str) -> dict[str, str]:
    """The interview as sanitised HTML per narrative field: each question (a Markdown heading
    of the transcript) in bold before its answer, timestamps removed, small talk dropped.

    Questions about outcomes go to "what happened", about lessons and skills to "what we
    learned", about a fresh start to "what we would do differently", the rest (the activity,
    its approach and partners) to "what we tried". When no question asks about what happened,
    the whole interview is "what happened": there is nothing to split it by.
    """
    parts: dict[str, list[str]] = {name: [] for name, _ in SECTION_QUESTIONS}
    section = FIRST_SECTION
    for question, answer in _exchanges(_TIMESTAMP.sub("", interview)):
        if question:
            section = next(
                (name for name, pattern in SECTION_QUESTIONS if pattern.search(question)),
                section,
            )
        answer_html = _markdown_html(answer)
        if len(plain_text(answer_html)) < MIN_ANSWER_CHARS:
            continue
        if question:
            parts[section].append(f"<p><b>{_markdown_inline(question)}</b></p>")
        parts[section].append(answer_html)
    if not parts["what_happened"]:
        parts = {"what_happened": [piece for name in NARRATIVE_ORDER for piece in parts[name]]}
    return {name: sanitise_html("".join(pieces)) for name, pieces in parts.items()}


def _exchanges(text: str) -> Iterator[tuple[str, str]]:
    """(question, answer Markdown) pairs; the text before the first question has question ""."""
    question, lines = "", []
    for line in text.splitlines():
        match = _QUESTION.match(line)
        if match:
            yield question, "\n".join(lines)
            question, lines = match.group(1).strip(), []
        else:
            lines.append(line)
    yield question, "\n".join(lines)


def _markdown_html(text: str) -> str:
    # Transcripts hold no raw HTML on purpose; what there is gets escaped, then sanitised.
    return markdown.markdown(html.escape(text, quote=False), output_format="html")


def _markdown_inline(text: str) -> str:
    rendered = _markdown_html(text)
    return re.sub(r"</?p>", "", rendered).strip()


def _unique_slug(title: str, taken: set[str]) -> str:
    base = slugify(title)[:70].strip("-") or "story"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _tools_by_title() -> dict[str, object]:
    # Conservative: a UNDP tool or tactic links a toolkit resource only when the names are equal.
    from toolkit.models import ResourcePage

    return {page.title.strip().lower(): page for page in ResourcePage.objects.live().only("title")}
