"""Build the case library's demo data from the shared datasets (re-runnable).

    python -m cases.demo_data.build /path/to/shared/data

reads `participedia/` and `undp-acclabs-sdg-commons/` under that folder and writes, next to this
file, `participedia_cases.jsonl.gz` and `undp_experiments.jsonl.gz`: one import record per line
(fields: README.md). The records keep the sources' own vocabulary values under `raw`; the import
maps them to Kokeilu's keys with `mapping.json` and reports what it cannot map. HTML is trimmed
and sanitised here to keep the files small, and sanitised again by the import (it is untrusted).

This module is only for maintainers: the product never reads the shared data folder.
"""

from __future__ import annotations

import csv
import gzip
import html
import json
import re
import sys
from collections import Counter
from pathlib import Path

from django.utils.text import Truncator

import markdown

HERE = Path(__file__).resolve().parent
PARTICIPEDIA_OUT = HERE / "participedia_cases.jsonl.gz"
UNDP_OUT = HERE / "undp_experiments.jsonl.gz"

UNDP_COMMIT = "6dc41cbfe529aef71c489c33bd0abab93291342d"
UNDP_REPO = "https://github.com/UNDP-Accelerator-Labs/sdg-innovation-commons"
DATA_TRANSFER = (
    "https://github.com/participedia/data-transfer/blob/"
    "2b3615d19c3dc04aa97ae184ac102aba17a65c2b/www.participedia.net/{id}.json"
)
MAX_SECTION_CHARS = 6000
MAX_BODY_CHARS = 12000
MIN_WORDS = 100
SHORT_ENTRIES = 260  # Participedia records with a description only, to pass 1,000 cases
MIN_SHORT_DESCRIPTION = 160

# Participedia's 2016 section headings -> OPSI narrative fields ("body" keeps the rest).
PARTICIPEDIA_SECTIONS = {
    "problems and purpose": "problem",
    "problem and objective": "problem",
    "purpose and problem": "problem",
    "problem": "problem",
    "summary": "innovation",
    "project description": "innovation",
    "structure and process": "innovation",
    "deliberation, decisions, and public interaction": "innovation",
    "deliberations, decisions, and public interaction": "innovation",
    "originating entities and funding": "collaboration",
    "funding": "collaboration",
    "participant selection": "users",
    "target group": "users",
    "influence, outcomes, and effects": "results",
    "outcomes and effects": "results",
    "impact": "results",
    "analysis and criticism": "challenges",
    "analysis and lessons learned": "lessons",
    "adoption by others": "replication",
}
DROPPED_SECTIONS = re.compile(
    r"^(external links|secondary sources|secondary literature|notes|references|links|"
    r"publications|sources|bibliography|further reading)\b",
    re.I,
)
NOT_A_CASE = {
    "mission and purpose",
    "specializations and activities",
    "major projects and events",
    "definition",
}
# Phrases in a Participedia title that name a method (mapped in mapping.json).
METHOD_PHRASES = (
    "participatory budget",
    "citizens' assembly",
    "citizens assembly",
    "citizens' jury",
    "citizens jury",
    "deliberative poll",
    "planning cell",
    "consensus conference",
    "hackathon",
    "crowdsourc",
    "living lab",
    "world café",
    "world cafe",
    "open space",
)

# UNDP experiment questions (start of the question text) -> record fields.
UNDP_QUESTIONS = (
    ("what is the frontier challenge", "problem"),
    ("what is the learning question", "learning_question"),
    ("what action learning plan", "learning_question"),
    ("what is your hypothesis", "hypothesis"),
    ("hypothesis: if", "hypothesis"),
    ("what is the specific learning intent", "innovation"),
    ("what is the learning intent", "innovation"),
    ("describe which actions", "innovation"),
    ("please list the names of partners", "partners"),
    ("who outside undp might benefit", "users"),
    ("what do you know now", "results"),
    ("what were the key results", "results"),
    ("what are the most important learning outcomes", "results"),
    ("considering the outcomes of this experimental activity", "results"),
    ("what were the main obstacles", "challenges"),
    ("what advice would you give", "replication"),
    ("can this experiment be replicated", "replication"),
    ("is this experiment planned to scale", "replication"),
    ("do you have observations about the methodology", "lessons"),
    ("any observations about the methodology", "lessons"),
    ("what surprised you", "lessons"),
    ("did this experiment require iterations", "lessons"),
    ("was the original hypothesis", "hypothesis_result"),
    ("what is the unit of analysis", "unit_of_analysis"),
    ("what is the timeline of the experimental activity", "duration"),
    ("from design to results, how long", "duration_actual"),
    ("what were the actual monetary resources", "cost_actual"),
    ("please add any supporting links", "links"),
    ("please upload any supporting links", "links"),
)

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_HEADING_SPLIT = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.I | re.S)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    shared = Path(argv[0])
    participedia = list(participedia_records(shared / "participedia"))
    undp = list(undp_records(shared / "undp-acclabs-sdg-commons"))
    _write(PARTICIPEDIA_OUT, participedia)
    _write(UNDP_OUT, undp)
    print(f"{PARTICIPEDIA_OUT.name}: {len(participedia)} records")
    print(f"{UNDP_OUT.name}: {len(undp)} records")
    return 0


# -- Participedia -------------------------------------------------------------------------------


def participedia_records(folder: Path):
    """Full-text cases of the 2016 site, joined with the API's and the CSV export's facts where
    the ids match; then the longest description-only records of the export."""
    api = {
        int(case["id"]): case
        for case in json.loads((folder / "api_2018_migrations/cases.json").read_text())
    }
    facts = {
        int(row["id"]): row
        for row in csv.DictReader((folder / "exports_csv/cases_facts_clean.csv").open())
    }
    described = {}
    for row in csv.DictReader(
        (folder / "exports_csv/cases_title_description_lowercased.csv").open()
    ):
        described.setdefault(row["title"].strip(), row)
    countries = _country_names()
    seen_titles = set()
    used_ids = set()
    full = []
    with (folder / "v2_case_bodies/cases_v2_title_htmlbody.jsonl").open() as lines:
        for line in lines:
            case = json.loads(line)
            record = _participedia_full(case, api, facts, described, countries)
            if record and record["title"].lower() not in seen_titles:
                seen_titles.add(record["title"].lower())
                used_ids.add(record["participedia_id"])
                full.append(record)
    full.sort(key=lambda r: (-r["_score"], r["participedia_id"]))
    yield from full
    short = []
    for row in described.values():
        pid = int(row["id"])
        if pid in used_ids or row["title"].strip() in seen_titles or pid not in facts:
            continue
        record = _participedia_short(row, facts[pid], api.get(pid))
        if record:
            short.append(record)
    short.sort(key=lambda r: (-r["_score"], r["participedia_id"]))
    for record in short[:SHORT_ENTRIES]:
        seen_titles.add(record["title"].lower())
        yield record


def _participedia_full(case, api, facts, described, countries) -> dict | None:
    body = case["htmlbody"] or ""
    parts = _split_sections(body)
    headings = {heading for heading, _ in parts}
    if headings & NOT_A_CASE:
        return None  # an organisation or a method page of the old site
    text = _plain(body)
    words = text.split()
    if len(words) < MIN_WORDS or not _english(words):
        return None
    pid = case["case_id"]
    title = _SPACE.sub(" ", case["title"]).strip()
    current = pid in api or pid in facts
    if not current and title.lower() in described:
        pid_current = int(described[title.lower()]["id"])
        current = True
    else:
        pid_current = pid
    sections: dict[str, str] = {}
    for heading, content in parts:
        if DROPPED_SECTIONS.match(heading):
            continue
        field = PARTICIPEDIA_SECTIONS.get(heading, "body")
        block = (
            content
            if field != "body" or not heading
            else f"<h2>{html.escape(heading.title())}</h2>{content}"
        )
        sections[field] = sections.get(field, "") + block
    sections = {
        k: _trim(v, MAX_BODY_CHARS if k == "body" else MAX_SECTION_CHARS)
        for k, v in sections.items()
    }
    sections = {k: v for k, v in sections.items() if _plain(v)}
    api_case = api.get(pid_current) or {}
    fact = facts.get(pid_current) or {}
    raw = _participedia_raw(api_case, fact, title)
    if not raw["countries"]:
        raw["countries"] = _countries_in(title + " " + text[:800], countries)
    summary = _summary(sections.get("innovation") or sections.get("problem") or body)
    record = {
        "source": "participedia",
        "participedia_id": pid_current,
        "source_id": f"participedia:{pid_current}" if current else f"participedia-2016:{pid}",
        "title": title,
        "summary": summary,
        "year_launched": _year(api_case.get("start_date")),
        "source_url": (
            f"https://participedia.net/case/{pid_current}"
            if current
            else DATA_TRANSFER.format(id=pid)
        ),
        "raw": raw,
        "organisations": [],
        "sections": sections,
        "links": _api_links(api_case),
        "experiment": None,
    }
    record["_score"] = (
        sum(bool(raw[k]) for k in ("countries", "themes", "methods"))
        + (1 if record["year_launched"] else 0)
        + min(len(words), 3000) / 3000
    )
    return record


def _participedia_short(row, fact, api_case) -> dict | None:
    description = _sentence_case(row["description"].strip())
    if len(description) < MIN_SHORT_DESCRIPTION or not row["title"].strip():
        return None
    title = _title_case(row["title"].strip())
    raw = _participedia_raw(api_case or {}, fact, title)
    record = {
        "source": "participedia",
        "participedia_id": int(row["id"]),
        "source_id": f"participedia:{row['id']}",
        "title": title,
        "summary": description[:300],
        "text_lowercased": True,
        "year_launched": _year((api_case or {}).get("start_date")),
        "source_url": row["url"] or f"https://participedia.net/case/{row['id']}",
        "raw": raw,
        "organisations": [],
        "sections": {"innovation": f"<p>{html.escape(description)}</p>"},
        "links": [],
        "experiment": None,
    }
    record["_score"] = (
        sum(bool(raw[k]) for k in ("countries", "themes", "methods"))
        + min(len(description), 1000) / 1000
    )
    return record


def _participedia_raw(api_case: dict, fact: dict, title: str) -> dict:
    country = api_case.get("country") or (fact.get("country_best") or "")
    methods = []
    for column in ("method_types", "approaches"):
        methods += [v.strip('"') for v in (fact.get(column) or "{}").strip("{}").split(",") if v]
    lowered = title.lower()
    methods += [phrase for phrase in METHOD_PHRASES if phrase in lowered]
    if api_case.get("ongoing"):
        status = "ongoing"
    elif api_case.get("end_date"):
        status = "ended"
    else:
        status = ""
    return {
        "countries": [country] if country and country != "Unknown" else [],
        "themes": list(api_case.get("issues") or []),
        "methods": list(dict.fromkeys(methods)),
        "government_levels": list(api_case.get("scope_of_influence") or []),
        "sdgs": [],
        "stages": [],
        "status": status,
    }


def _api_links(api_case: dict) -> list[dict]:
    links = []
    for value in api_case.get("links") or []:
        url = value.get("url") if isinstance(value, dict) else value
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            title = value.get("title") if isinstance(value, dict) else ""
            links.append({"title": (title or url)[:255], "url": url[:500]})
    return links[:10]


def _split_sections(body: str) -> list[tuple[str, str]]:
    """(lower-case heading, HTML) pairs; the text before the first heading has heading ""."""
    pieces = _HEADING_SPLIT.split(body)
    parts = [("", pieces[0])]
    for index in range(1, len(pieces), 2):
        heading = _plain(pieces[index]).lower().rstrip(":")
        parts.append((heading, pieces[index + 1] if index + 1 < len(pieces) else ""))
    return parts


# -- UNDP Accelerator Labs -------------------------------------------------------------------


def undp_records(folder: Path):
    taken: set[str] = set()
    with (folder / "experiments.jsonl").open() as lines:
        for line in lines:
            record = _undp_record(json.loads(line))
            # ids fit the 100 characters of CasePage.source_id and stay unique when cut
            base = record["source_id"][:90]
            source_id, number = base, 2
            while source_id in taken:
                source_id, number = f"{base}-{number}", number + 1
            taken.add(source_id)
            record["source_id"] = source_id
            yield record


def _undp_record(experiment: dict) -> dict:
    tags = experiment.get("tags") or {}
    answers = _undp_answers(experiment.get("body_markdown") or "")
    slug_path = experiment["source_path"]
    sections = {}
    for field in (
        "problem",
        "innovation",
        "users",
        "results",
        "challenges",
        "replication",
        "lessons",
    ):
        if answers.get(field):
            sections[field] = _trim(_markdown_html(answers[field]), MAX_SECTION_CHARS)
    partners = [
        line.strip(" -·\u00a0\t")
        for line in (answers.get("partners") or "").splitlines()
        if line.strip(" -·\u00a0\t")
    ][:12]
    if partners:
        sections["collaboration"] = (
            "<ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in partners) + "</ul>"
        )
    hypothesis_result = _plain_markdown(answers.get("hypothesis_result", ""))
    unit = _plain_markdown(answers.get("unit_of_analysis", ""))
    criteria = []
    if unit:
        criteria.append(
            {
                "indicator": unit[:500],
                "baseline": "",
                "target": "",
                "result": hypothesis_result[:2000],
            }
        )
    title = _SPACE.sub(" ", experiment["title"]).strip()
    summary_source = answers.get("innovation") or answers.get("problem") or ""
    return {
        "source": "undp",
        "source_id": "undp-acclabs:" + slug_path.removeprefix("pages/").removesuffix(".md"),
        "title": title,
        "summary": _summary(_markdown_html(summary_source)),
        "year_launched": _year((tags.get("year") or [""])[0]),
        "source_url": f"{UNDP_REPO}/blob/{UNDP_COMMIT}/{slug_path}",
        "raw": {
            "countries": tags.get("country") or [],
            "themes": [],
            "methods": tags.get("methods") or [],
            "government_levels": [],
            "sdgs": tags.get("sdgs") or [],
            "stages": tags.get("experiment_status") or [],
            "status": (tags.get("experiment_status") or [""])[0],
        },
        "organisations": partners,
        "sections": sections,
        "links": [
            {"title": url[:255], "url": url[:500]}
            for url in dict.fromkeys(_URL.findall(answers.get("links", "")))
        ][:10],
        "experiment": {
            "learning_question": _plain_markdown(answers.get("learning_question", ""))[:3000],
            "hypothesis": _plain_markdown(answers.get("hypothesis", ""))[:3000],
            "control_group": tags.get("control_group") or [],
            "assignment": (tags.get("assignment_type") or [""])[0],
            "sample_size": (tags.get("sample_size") or [""])[0][:100],
            "cost": (
                (tags.get("total_cost") or [""])[0]
                or _plain_markdown(answers.get("cost_actual", ""))
            )[:100],
            "duration": _plain_markdown(
                answers.get("duration_actual") or answers.get("duration") or ""
            )[:100],
            "hypothesis_result": hypothesis_result[:4000],
            "criteria": criteria,
        },
    }


def _undp_answers(body: str) -> dict[str, str]:
    """The form's answers by record field: each `> question` line is followed by its answer."""
    answers: dict[str, str] = {}
    question = None
    buffer: list[str] = []

    def flush():
        if question is None:
            return
        for start, field in UNDP_QUESTIONS:
            if question.startswith(start):
                text = "\n".join(buffer).strip()
                if text and not answers.get(field):
                    answers[field] = text
                elif text:
                    answers[field] += "\n\n" + text
                return

    for line in body.splitlines():
        if line.startswith("> "):
            flush()
            question, buffer = line[2:].strip().lower(), []
        elif line.startswith("#"):
            flush()
            question, buffer = None, []
        elif question is not None:
            buffer.append(line.replace("[image]", ""))
    flush()
    return answers


def _markdown_html(text: str) -> str:
    """The UNDP form answers' Markdown as HTML, by the `markdown` library: their raw HTML is
    escaped (the answers are plain text), a line break stays a line break, and their "· "
    bullets are list items."""
    text = html.escape(text.replace("\u00a0", " "), quote=False)
    text = _MIDDLE_DOT_ITEM.sub(r"\1- ", text)
    return markdown.markdown(text, extensions=["nl2br"], output_format="html")


_MIDDLE_DOT_ITEM = re.compile(r"^([ \t]*)· ", re.M)


def _plain_markdown(markdown_text: str) -> str:
    text = re.sub(r"\*\*|^[-*·]\s+", "", markdown_text.replace("\u00a0", " "), flags=re.M)
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()


# -- shared ------------------------------------------------------------------------------------


def _plain(value: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value or ""))).strip()


def _summary(value: str) -> str:
    for paragraph in re.findall(r"<p[^>]*>(.*?)</p>", value or "", re.S | re.I) or [value]:
        text = _plain(paragraph)
        if len(text) >= 80:
            break
    else:
        text = _plain(value)
    # the ellipsis is given: the data file must not depend on the active language
    return Truncator(text).chars(300, truncate="…")


def _trim(value: str, limit: int) -> str:
    """Cut HTML longer than `limit` at a paragraph boundary."""
    if len(value) <= limit:
        return value
    cut = value.rfind("</p>", 0, limit)
    return value[: cut + 4] if cut > 0 else value[:limit]


def _english(words: list[str]) -> bool:
    common = Counter(word.lower() for word in words)
    share = sum(common[w] for w in ("the", "and", "of", "to", "in")) / max(len(words), 1)
    return share > 0.06


def _year(value) -> int | None:
    match = re.match(r"\s*(\d{4})", str(value or ""))
    if match and 1900 <= int(match.group(1)) <= 2100:
        return int(match.group(1))
    return None


def _country_names() -> list[str]:
    path = HERE.parent.parent / "site" / "vocabularies" / "countries.json"
    names = [term["name"] for term in json.loads(path.read_text())]
    return sorted(names, key=len, reverse=True)


def _countries_in(text: str, names: list[str]) -> list[str]:
    """A country named in the title or the opening text, when exactly one is."""
    found = {name for name in names if re.search(rf"\b{re.escape(name)}\b", text)}
    return sorted(found) if len(found) == 1 else []


def _sentence_case(text: str) -> str:
    text = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return re.sub(r"\bi\b", "I", text)


_SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "de",
    "la",
    "del",
    "y",
}


def _title_case(text: str) -> str:
    words = text.split()
    return " ".join(
        word if (index and word in _SMALL_WORDS) else word[:1].upper() + word[1:]
        for index, word in enumerate(words)
    )


def _write(path: Path, records) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as out:
        for record in records:
            record.pop("_score", None)
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
