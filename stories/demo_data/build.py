"""Build the stories' demo data from the shared datasets (re-runnable).

    python -m stories.demo_data.build /path/to/shared/data [--reclassify]

reads `undp-acclabs-sdg-commons/experimenter_stories.jsonl` under that folder and writes, next
to this file, `undp_stories.jsonl.gz`: one import record per interview (fields: SOURCE.md).
The interview stays Markdown (timestamps and all): the import turns it into HTML and
sanitises it, because the records are untrusted.

It also keeps `mapping.json` complete: a story that the mapping lacks gets a first guess from
`classify` (a keyword classifier over the interview's summary) marked `"reviewed": false`.
Reviewed entries are never overwritten; `--reclassify` replaces the unreviewed ones only.
People then read each story and correct its entry (see the file's `_about`).

This module is only for maintainers: the product never reads the shared data folder.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "undp_stories.jsonl.gz"
MAPPING = HERE / "mapping.json"
COUNTRIES = HERE.parent.parent / "site" / "vocabularies" / "countries.json"
CASES_MAPPING = HERE.parent.parent / "cases" / "demo_data" / "mapping.json"

UNDP_COMMIT = "6dc41cbfe529aef71c489c33bd0abab93291342d"
UNDP_REPO = "https://github.com/UNDP-Accelerator-Labs/sdg-innovation-commons"

# First guesses only: every entry is then reviewed by a person.
SLIP_UP_WORDS = (
    "failed",
    "failure",
    "did not work",
    "didn't work",
    "not successful",
    "unsuccessful",
    "setback",
    "challenge",
    "obstacle",
    "struggle",
    "difficult",
)
UNFINISHED_WORDS = (
    "ongoing",
    "still ",
    "next phase",
    "pilot continues",
    "currently",
    "is being",
    "are being",
    "plan to",
    "plans to",
    "will be",
)
ROOT_CAUSE_WORDS = {
    "assumption": ("assum", "expected", "hypothes"),
    "procurement": ("procure", "tender", "vendor"),
    "legal": ("legal", "regulat", " law", "legislat", "permit"),
    "data": ("data",),
    "stakeholders": ("stakeholder", "buy-in", "resistan", "trust", "government counterpart"),
    "capacity": ("capacity", "skills", "staff", "training"),
    "timing": ("covid", "pandemic", "delay", "timing", "time constraint", "election"),
    "technology": ("technolog", "connectivity", "internet", "platform", "digital"),
    "funding": ("funding", "budget", "financ", "resources"),
}


def main(argv: list[str]) -> int:
    args = [arg for arg in argv if not arg.startswith("--")]
    if len(args) != 1:
        print(__doc__)
        return 2
    source = Path(args[0]) / "undp-acclabs-sdg-commons" / "experimenter_stories.jsonl"
    records = [story_record(json.loads(line)) for line in source.open(encoding="utf-8")]
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    added = mapping_complete(records, reclassify="--reclassify" in argv)
    print(f"{OUT.name}: {len(records)} records, {OUT.stat().st_size:,} bytes")
    print(f"{MAPPING.name}: {added} entries guessed (review them)")
    return 0


def story_record(story: dict) -> dict:
    """The import record of one interview: what the import needs, nothing more."""
    tags = story.get("tags") or {}
    path = story["source_path"]
    return {
        "id": path.removeprefix("pages/").removesuffix(".md"),
        "title": re.sub(r"\s+", " ", story["title"]).strip(),
        "summary": " ".join(tags.get("ai_summary") or []).strip(),
        "country": (tags.get("country") or [""])[0],
        "tools": list(dict.fromkeys(tags.get("tools") or [])),
        "tactics": list(dict.fromkeys(tags.get("tactics") or [])),
        "source_url": f"{UNDP_REPO}/blob/{UNDP_COMMIT}/{path}",
        "interview": _without_title(story.get("body_markdown") or "", story["title"]),
    }


def _without_title(markdown: str, title: str) -> str:
    lines = markdown.lstrip().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(lines).strip()


def classify(summary: str) -> dict:
    """A first guess at kind and root causes from the interview's summary."""
    text = summary.lower()
    slip = [word for word in SLIP_UP_WORDS if word in text]
    unfinished = [word for word in UNFINISHED_WORDS if word in text]
    if slip:
        kind, reason = "slip-up", f"summary mentions {', '.join(slip[:3])}"
    elif unfinished:
        kind, reason = "unfinished", f"summary mentions {', '.join(unfinished[:3])}"
    else:
        kind, reason = "success", "no setback or open end in the summary"
    causes = []
    if kind != "success":
        causes = [
            cause
            for cause, words in ROOT_CAUSE_WORDS.items()
            if any(word in text for word in words)
        ]
    return {"kind": kind, "root_causes": causes, "reason": reason}


def country_key(name: str, record_id: str) -> str | None:
    """The Country key of the story's country tag: by name, by the case library's aliases, or
    by the ISO alpha-3 code that ends the file name (Experimenters_COD)."""
    countries = json.loads(COUNTRIES.read_text(encoding="utf-8"))
    aliases = json.loads(CASES_MAPPING.read_text(encoding="utf-8"))["countries"]["values"]
    lowered = name.strip().lower()
    for term in countries:
        if term["name"].lower() == lowered:
            return term["key"]
    if aliases.get(lowered):
        return aliases[lowered]
    code = record_id.rsplit("_", 1)[-1].upper()
    for term in countries:
        if term.get("alpha3") == code:
            return term["key"]
    return None


def mapping_complete(records: list[dict], *, reclassify: bool = False) -> int:
    """Add a guessed entry for every story the mapping lacks; return how many were added."""
    mapping = json.loads(MAPPING.read_text(encoding="utf-8")) if MAPPING.exists() else {}
    stories = mapping.setdefault("stories", {})
    added = 0
    for record in records:
        entry = stories.get(record["id"])
        if entry and (entry.get("reviewed") or not reclassify):
            continue
        stories[record["id"]] = {
            **classify(record["summary"]),
            "country": country_key(record["country"], record["id"]),
            "reviewed": False,
        }
        added += 1
    mapping["stories"] = dict(sorted(stories.items()))
    MAPPING.write_text(json.dumps(mapping, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return added


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
