"""Build the toolkit's copy of its sources (demo_data/resources.jsonl.gz) from the shared datasets.

Run by `manage.py build_resources --data /path/to/shared/data`; the product itself only reads
the copy. Each record keeps the source's own values (18F's category, Participedia's method
types, UNDP's entry type...) so that the classification stays in one reviewed place,
demo_data/mapping.json, applied at import time (toolkit/classification.py).
"""

from __future__ import annotations

import csv
import gzip
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from django.utils.text import Truncator, slugify

import markdown

from portal.rich_text import plain_text, sanitise_html

PARTICIPEDIA_METHODS = 120
PARTICIPEDIA_MIN_TEXT = 250
MAX_BODY = 16_000
SUMMARY_LENGTH = 300
UNDP_COMMIT = "6dc41cbfe529aef71c489c33bd0abab93291342d"
UNDP_TYPES = ("tools", "tactics")  # principles and skills are not resources one can pick up
_JEKYLL_LINK = re.compile(r"\[([^\]]+)\]\(\{%\s*link\b[^)]*%\}\)")
_REFERENCES = re.compile(
    r"<h[2-4]>\s*(References|Notes|External links|Secondary sources|See also)\b.*\Z",
    re.IGNORECASE | re.DOTALL,
)


def records_build(data: Path) -> list[dict]:
    """Every resource record, 18F first, then Participedia, then UNDP, with unique slugs."""
    records = [*_records_18f(data), *_records_participedia(data), *_records_undp(data)]
    seen: set[str] = set()
    for record in records:
        slug = record["slug"]
        if slug in seen:
            slug = f"{slug}-{record['source']}"
        record["slug"] = slug
        seen.add(slug)
    return records


def records_write(records: list[dict], path: Path) -> None:
    """Write records as gzipped JSON lines, reproducibly (no timestamp in the gzip header)."""
    lines = "".join(
        json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n" for record in records
    )
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as out,
    ):
        out.write(lines.encode("utf-8"))


# -- 18F ------------------------------------------------------------------------------------


def _records_18f(data: Path) -> Iterator[dict]:
    with open(data / "18f-methods" / "methods.jsonl", encoding="utf-8") as lines:
        for line in lines:
            method = json.loads(line)
            base = "https://methods.18f.gov"
            body = method["body_markdown"].replace("{{site.baseurl}}", base)
            body = re.sub(r"</?section\b[^>]*>", "", body)
            # links to other 18F pages by Jekyll tag: keep their text, the tag is no address
            body = _JEKYLL_LINK.sub(r"\1", body)
            intro = (
                f"<p><b>What:</b> {html.escape(method['what'])}</p>"
                f"<p><b>Why:</b> {html.escape(method['why'])}</p>"
            )
            time_required = plain_text(
                method.get("timeRequired", "").replace("{{site.baseurl}}", base)
            )
            yield {
                "source": "18f",
                "source_id": method["slug"],
                "title": method["title"],
                "slug": slugify(method["title"]),
                "summary": method["description"],
                "body_html": sanitise_html(intro + markdown_to_html(body)),
                "publisher": "18F, U.S. General Services Administration",
                "link": base + method["permalink"],
                "time_required": "" if time_required == "N/A" else time_required,
                "source_values": {"category": method["category"]},
            }


# -- Participedia ---------------------------------------------------------------------------


def _records_participedia(data: Path) -> Iterator[dict]:
    folder = data / "participedia"
    csv.field_size_limit(10**8)
    with open(folder / "exports_csv" / "methods_export.csv", encoding="utf-8-sig") as export:
        facts = {row["id"]: row for row in csv.DictReader(export)}
    with open(folder / "api_2018_migrations" / "method_localized_texts.csv", encoding="utf-8") as f:
        texts = [row for row in csv.DictReader(f) if row["language"] == "en"]
    candidates = []
    for text in texts:
        row = facts.get(text["method_id"])
        if row is None:
            continue
        body = _participedia_body(text["body"])
        length = len(plain_text(body))
        if length >= PARTICIPEDIA_MIN_TEXT:
            # the export's title is the method's current name on participedia.net
            candidates.append((length, row["title"].strip(), body, row))
    candidates.sort(key=lambda item: (-item[0], item[1]))
    for _length, title, body, row in candidates[:PARTICIPEDIA_METHODS]:
        yield {
            "source": "participedia",
            "source_id": row["id"],
            "title": title,
            "slug": slugify(title),
            "summary": _summary(row["description"]),
            "body_html": body,
            "publisher": "Participedia",
            "link": f"https://participedia.net/method/{row['id']}",
            "year": int(row["post_date"][:4]) if row["post_date"][:4].isdigit() else None,
            "time_required": "",
            "source_values": {
                "method_types": _multi(row, "method_types"),
                "purpose_method": _multi(row, "purpose_method"),
                "number_of_participants": _multi(row, "number_of_participants"),
                "level_complexity": row["level_complexity"].strip(),
                "facilitators": row["facilitators"].strip(),
            },
        }


def _participedia_body(value: str) -> str:
    body = _REFERENCES.sub("", sanitise_html(value))
    if len(body) > MAX_BODY:
        cut = body.rfind("<h2>", 0, MAX_BODY)
        body = body[:cut] if cut > 0 else body[:MAX_BODY].rsplit("</p>", 1)[0] + "</p>"
    return body.strip()


def _multi(row: dict, column: str) -> list[str]:
    values = (row.get(f"{column}_{n}", "").strip() for n in (1, 2, 3))
    return [value for value in values if value]


# -- UNDP Accelerator Labs ------------------------------------------------------------------


def _records_undp(data: Path) -> Iterator[dict]:
    path = data / "undp-acclabs-sdg-commons" / "methods_tools_tactics.jsonl"
    seen: set[str] = set()
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            entry = json.loads(line)
            if entry["type"] not in UNDP_TYPES:
                continue
            key = slugify(Path(entry["source_path"]).stem)
            title = html.unescape(entry["title"]).strip()
            if slugify(title) in seen:  # the archive holds a few entries twice
                continue
            seen.add(slugify(title))
            sections = _markdown_sections(entry["body_markdown"])
            overview = sections.pop("Overview", "")
            body = "".join(
                f"## {heading}\n\n{text}\n\n" for heading, text in sections.items() if text
            )
            yield {
                "source": "undp",
                "source_id": key,
                "title": title,
                "slug": slugify(title),
                "summary": _summary(plain_text(markdown_to_html(overview))),
                "body_html": sanitise_html(markdown_to_html(overview + "\n\n" + body)),
                "publisher": "UNDP Accelerator Labs",
                "link": (
                    "https://github.com/UNDP-Accelerator-Labs/sdg-innovation-commons/blob/"
                    f"{UNDP_COMMIT}/{quote(entry['source_path'])}"
                ),
                "time_required": "",
                "source_values": {
                    "type": entry["type"],
                    "licence_note": plain_text(markdown_to_html(sections.get("License", ""))),
                },
            }


def _markdown_sections(text: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    current = None
    for line in text.replace("[image]", "").splitlines():
        heading = re.match(r"^##\s+(.*)$", line)
        if heading:
            current = heading.group(1).strip()
            sections[current] = ""
        elif current is not None:
            sections[current] += line + "\n"
    return {heading: body.strip() for heading, body in sections.items()}


def _summary(text: str) -> str:
    # the ellipsis is given: the data file must not depend on the active language
    return Truncator(" ".join(html.unescape(text).split())).chars(SUMMARY_LENGTH, truncate="…")


# -- Markdown -------------------------------------------------------------------------------


def markdown_to_html(text: str) -> str:
    """The sources' Markdown as HTML, by the `markdown` library; inline HTML passes through to
    the sanitiser, which every caller applies (or reduces the result to plain text)."""
    text = _LIST_AFTER_TEXT.sub("\\1\n\n", _PARENTHESIS_ITEM.sub("\\1.", text))
    return markdown.markdown(text, output_format="html")


# The sources write lists as CommonMark allows and Python-Markdown does not read: numbered
# "1)" as well as "1.", and right under a line of text ("the steps are:\n1. Identify...")
# where Python-Markdown needs a blank line first.
_PARENTHESIS_ITEM = re.compile(r"^([ \t]*\d+)\)(?=[ \t])", re.M)
_LIST_ITEM = r"[ \t]*(?:[-*+]|\d+[.)])[ \t]"
_LIST_AFTER_TEXT = re.compile(rf"^(?!{_LIST_ITEM})([^\n]*\S[^\n]*)\n(?={_LIST_ITEM})", re.M)
