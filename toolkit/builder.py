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

from django.utils.text import slugify

from portal.rich_text import plain_text, sanitise_html

PARTICIPEDIA_METHODS = 120
PARTICIPEDIA_MIN_TEXT = 250
MAX_BODY = 16_000
SUMMARY_LENGTH = 300
UNDP_COMMIT = "6dc41cbfe529aef71c489c33bd0abab93291342d"
UNDP_TYPES = ("tools", "tactics")  # principles and skills are not resources one can pick up
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
    text = " ".join(html.unescape(text).split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    cut = text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


# -- Markdown -------------------------------------------------------------------------------

_LIST_ITEM = re.compile(r"^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def markdown_to_html(text: str) -> str:
    """The Markdown the sources use (headings, lists, paragraphs, links, bold, italic) as HTML;
    inline HTML passes through to the sanitiser."""
    out: list[str] = []
    paragraph: list[str] = []
    list_tag: str | None = None

    def close_paragraph() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = None

    for line in text.splitlines():
        heading = _HEADING.match(line)
        item = _LIST_ITEM.match(line)
        if not line.strip():
            close_paragraph()
            close_list()
        elif heading:
            close_paragraph()
            close_list()
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif item:
            close_paragraph()
            tag = "ul" if item.group(1) else "ol"
            if list_tag != tag:
                close_list()
                out.append(f"<{tag}>")
                list_tag = tag
            out.append(f"<li>{_inline(item.group(3))}</li>")
        elif list_tag and line.startswith((" ", "\t")):
            out[-1] = out[-1][: -len("</li>")] + " " + _inline(line.strip()) + "</li>"
        else:
            close_list()
            paragraph.append(line.strip())
    close_paragraph()
    close_list()
    return "".join(out)


def _inline(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r'<a href="\2">\1</a>', text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<i>\1</i>", text)
    return text
