"""Stems and stop words of the three site languages, for the database engine on SQLite (and the
query side of every engine).

A word of a document in Finnish, Swedish or English is indexed as written and by its Snowball
stem in the document's language ("kokeilut" also as "kokeilu"); a query word matches as written
(or as a prefix) or by its stem in any of the three languages: readers of every language search
in English as well as in their own. Stop words of the query's language are left out of the
query, unless it holds nothing else (`syntax`). PostgreSQL does the same with its own `finnish`,
`swedish` and `english` text-search configurations (same Snowball algorithms and stop words).
"""

from __future__ import annotations

import functools
from collections.abc import Container
from pathlib import Path

import Stemmer  # type: ignore[import-not-found]

from search.engines.text import words_of

STEMMED_LANGUAGES = ("fi", "sv", "en")
_ALGORITHMS = {"fi": "finnish", "sv": "swedish", "en": "english"}
# PostgreSQL's configurations of the same languages (a query in another language: all three).
POSTGRES_CONFIGURATIONS = {"fi": "finnish", "sv": "swedish", "en": "english"}
_STOP_WORDS_DIR = Path(__file__).with_name("stopwords")


@functools.cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    stemmer = Stemmer.Stemmer(_ALGORITHMS[language])
    stemmer.maxCacheSize = 50_000
    return stemmer


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """The Snowball stop words of `language` (none for a language not stemmed)."""
    if language not in _ALGORITHMS:
        return frozenset()
    lines = (_STOP_WORDS_DIR / f"{language}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def stem(word: str, language: str) -> str:
    """The Snowball stem of a lower-case `word` in `language` (the word itself when the
    language is not stemmed, or the stem would be empty)."""
    if language not in _ALGORITHMS:
        return word
    return _stemmer(language).stemWord(word) or word


def query_stems(word: str) -> list[str]:
    """The stems a query word matches documents by, other than the word itself: its stem in
    each of the three languages (a Finnish reader searches English words as often as Finnish
    ones; a stem of one language only meets the stems of documents in that language)."""
    return list(
        dict.fromkeys(root for code in STEMMED_LANGUAGES if (root := stem(word, code)) != word)
    )


def stemmed_words(text: str, language: str) -> str:
    """The stems of every word of `text` in the document's `language`, in order (nothing for
    a document in another language), as the SQLite full-text table holds them."""
    if language not in _ALGORITHMS:
        return ""
    return " ".join(stem(word, language) for word in words_of(text))


def matches(
    token: str, *, word: str, is_prefix: bool, stems: Container[str], language: str
) -> bool:
    """Does a document token (lower-case) match a query word as the index would: as written,
    as a prefix, or by its stem in the document's `language`?"""
    root = stem(token, language)
    for form in (token, root):
        if form.startswith(word) if is_prefix else form == word:
            return True
    return token in stems or root in stems
