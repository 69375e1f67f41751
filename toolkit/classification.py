"""Classify a source record into Kokeilu's vocabularies with the reviewed mapping (one place:
demo_data/mapping.json; its "_about" says how rules combine)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

MAPPING_FILE = Path(__file__).resolve().parent / "demo_data" / "mapping.json"
LIST_FIELDS = (
    "purposes",
    "audiences",
    "skill_levels",
    "group_sizes",
    "languages",
    "openness",
    "methods",
    "stages",
)
VALUE_FIELDS = ("format", "time_needed", "cost", "title")


@cache
def mapping_read(path: Path = MAPPING_FILE) -> dict:
    """The mapping as data (read once per process)."""
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def resource_classify(record: dict, mapping: dict | None = None) -> dict:
    """The record's classification: {field: value} for every field the mapping gives it.

    Rules apply in order: the source's defaults, then the rule of each source value the record
    holds (in the mapping's order), then the resource's own entry (`"<source>:<source_id>"`).
    List fields add up, except that a resource entry replaces what it names; single values are
    replaced by later rules. Unknown fields in a rule raise KeyError (the importer reports it).
    """
    mapping = mapping if mapping is not None else mapping_read()
    source = record.get("source", "")
    result: dict = {name: [] for name in LIST_FIELDS}

    def apply(rule: dict, *, replace_lists: bool = False) -> None:
        for name, value in rule.items():
            if name in LIST_FIELDS:
                values = [] if replace_lists else result[name]
                result[name] = list(dict.fromkeys([*values, *value]))
            elif name in VALUE_FIELDS:
                result[name] = value
            else:
                raise KeyError(f"the mapping names an unknown field {name!r}")

    apply(mapping.get("sources", {}).get(source, {}))
    source_values = record.get("source_values", {})
    for field, rules in mapping.get("source_values", {}).get(source, {}).items():
        held = source_values.get(field)
        for value in held if isinstance(held, list) else [held]:
            if value in rules:
                apply(rules[value])
    resource = mapping.get("resources", {}).get(f"{source}:{record.get('source_id')}")
    if resource:
        apply(resource, replace_lists=True)
    return result
