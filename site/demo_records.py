"""Reading the demo datasets that content apps ship, and tagging records with vocabulary terms."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

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
