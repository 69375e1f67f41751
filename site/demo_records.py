"""Reading the demo datasets that content apps ship, and tagging records with vocabulary terms."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from django.utils import timezone

from wagtail.models import Page

from portal.models.taxonomy import VOCABULARIES, VocabularyTerm


def demo_records_read(path: Path) -> Iterator[dict]:
    """The records of a gzipped JSON-lines file, in file order."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def vocabulary_terms(*names: str) -> dict[str, dict[str, VocabularyTerm]]:
    """For each vocabulary named (as in VOCABULARIES), its terms by key: one query each."""
    return {name: {term.key: term for term in VOCABULARIES[name].objects.all()} for name in names}


def record_terms(record: dict, terms: dict[str, dict[str, VocabularyTerm]]) -> dict[str, list]:
    """The record's facet keys as terms, per vocabulary; keys the vocabulary lacks are skipped."""
    return {
        name: [vocabulary[key] for key in record.get(name, ()) if key in vocabulary]
        for name, vocabulary in terms.items()
    }


def demo_children_add(
    parent: Page, records: Iterable[dict], build: Callable[[dict], Page], *, limit: int | None
) -> int:
    """Add under `parent` a live page built from each record whose slug it lacks; return how many.

    Idempotent: existing children are recognised by slug. The pages get no revision: demo pages
    are born published, which keeps hundreds of them fast to load.
    """
    existing = set(parent.get_children().values_list("slug", flat=True))
    now = timezone.now()
    created = 0
    for record in islice(records, limit):
        if record["slug"] in existing:
            continue
        page = build(record)
        page.live = True
        page.first_published_at = page.last_published_at = now
        parent.add_child(instance=page)
        existing.add(page.slug)
        created += 1
    return created
