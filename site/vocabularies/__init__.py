"""Seed data for the shared vocabularies: one JSON file per vocabulary in this folder.

Each file is a list of terms `{"key", "name", "description"?, "sort_order"?}`; countries also
carry `alpha3` and SDGs `number`. The files are the starting point, the admin is where the terms
live: seeding creates the terms whose keys are missing and leaves existing terms alone, so a name
an editor reworded survives a re-seed. `overwrite=True` resets existing terms to the files.

Where the lists come from:

- countries: ISO 3166-1 (all 249 entries), common short names, from Debian's iso-codes through
  pycountry 26.2.16 (generated once; pycountry is not a dependency).
- themes, levels of government, organisation types: the choice lists of OECD OPSI's case study
  form (oecd-opsi/opsi, acf-json), keys are slugs of the labels ("/" separates words).
- lifecycle stages and innovation facets: OPSI's innovation lifecycle and its four facets.
- methods: a practitioner's list of common public-sector innovation methods (OPSI has none).
- sdgs: the 17 UN Sustainable Development Goals with their official short names and goal text.

Migrations call `seed_vocabularies(get_model=apps.get_model)` with their historical models, so
fields the files carry but a historical model lacks are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import models, transaction

DATA_DIR = Path(__file__).resolve().parent

# vocabulary (file name, and name of the search facet vocabulary) -> model in the portal app
VOCABULARY_MODELS: dict[str, str] = {
    "countries": "Country",
    "themes": "Theme",
    "methods": "Method",
    "stages": "Stage",
    "government_levels": "GovernmentLevel",
    "innovation_types": "InnovationType",
    "sdgs": "SDG",
    "organisation_types": "OrganisationType",
}

GetModel = Callable[[str, str], type[models.Model]]


@dataclass(frozen=True)
class SeedResult:
    created: int
    updated: int
    total: int


@cache
def vocabulary_entries(vocabulary: str) -> tuple[dict, ...]:
    """The terms of one vocabulary as the JSON file lists them."""
    if vocabulary not in VOCABULARY_MODELS:
        raise KeyError(vocabulary)
    with (DATA_DIR / f"{vocabulary}.json").open(encoding="utf-8") as file:
        return tuple(json.load(file))


def _default_get_model(app_label: str, model_name: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(app_label, model_name)


def seed_vocabulary(
    model: type[models.Model], entries: Iterable[dict], *, overwrite: bool = False
) -> SeedResult:
    """Create the terms of `entries` missing from `model`; with `overwrite`, reset the others."""
    field_names = {field.name for field in model._meta.concrete_fields} - {"id", "key"}
    wanted = {
        entry["key"]: {name: value for name, value in entry.items() if name in field_names}
        for entry in entries
    }
    existing = model.objects.in_bulk(list(wanted), field_name="key")
    missing = [model(key=key, **fields) for key, fields in wanted.items() if key not in existing]
    model.objects.bulk_create(missing)

    changed = []
    changed_fields: set[str] = set()
    if overwrite:
        for key, term in existing.items():
            differs = {name for name, value in wanted[key].items() if getattr(term, name) != value}
            for name in differs:
                setattr(term, name, wanted[key][name])
            if differs:
                changed.append(term)
                changed_fields |= differs
        if changed:
            model.objects.bulk_update(changed, sorted(changed_fields))
    return SeedResult(created=len(missing), updated=len(changed), total=len(wanted))


def seed_vocabularies(
    *,
    get_model: GetModel | None = None,
    vocabularies: Iterable[str] | None = None,
    overwrite: bool = False,
) -> dict[str, SeedResult]:
    """Seed the named vocabularies (all by default) from their files, in one transaction.

    Idempotent: terms are matched by key, and a second run creates nothing. Existing terms keep
    what editors changed unless `overwrite` is set.
    """
    get_model = get_model or _default_get_model
    names = list(vocabularies) if vocabularies is not None else list(VOCABULARY_MODELS)
    unknown = sorted(set(names) - set(VOCABULARY_MODELS))
    if unknown:
        raise KeyError(", ".join(unknown))
    results = {}
    with transaction.atomic():
        for name in names:
            model = get_model("portal", VOCABULARY_MODELS[name])
            results[name] = seed_vocabulary(model, vocabulary_entries(name), overwrite=overwrite)
    return results


TRANSLATION_FIELDS = ("name_fi", "name_sv", "description_fi", "description_sv")


def seed_vocabulary_translations(*, get_model: GetModel | None = None) -> int:
    """Fill the Finnish and Swedish names and descriptions that are still empty from the files.

    What an editor has written in those fields stays; returns the number of terms changed.
    """
    get_model = get_model or _default_get_model
    changed_count = 0
    with transaction.atomic():
        for name, model_name in VOCABULARY_MODELS.items():
            model = get_model("portal", model_name)
            entries = {entry["key"]: entry for entry in vocabulary_entries(name)}
            changed = []
            for term in model.objects.filter(key__in=list(entries)):
                entry = entries[term.key]
                filled = False
                for field in TRANSLATION_FIELDS:
                    if entry.get(field) and not getattr(term, field):
                        setattr(term, field, entry[field])
                        filled = True
                if filled:
                    changed.append(term)
            model.objects.bulk_update(changed, list(TRANSLATION_FIELDS))
            changed_count += len(changed)
    return changed_count
