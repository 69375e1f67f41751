"""How every engine reads text: the words of a query, which of them match as prefixes, the
characters an index never holds, and highlighted excerpts turned into HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from django.utils.safestring import SafeString, mark_safe

from search.query import MAX_QUERY_LENGTH

MAX_TERMS = 32  # more words than this add cost, not precision
MAX_BODY_LENGTH = 200_000  # PostgreSQL refuses tsvectors over 1 MB
# Words this long also match as prefixes, so "citizen" finds "citizens" and "experiment" finds
# "experimentation" in any language, and a word being typed ("experim") finds whole words, which
# stems alone would not (see `stemming`).
PREFIX_WORD_MIN = 4

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A word is a run of letters and digits, as both the FTS5 unicode61 tokenizer and the
# PostgreSQL parser see it; everything else (quotes, operators, punctuation) separates words.
_WORD = re.compile(r"[^\W_]+")


def prefixed(words: Sequence[str], *, prefix: bool) -> list[bool]:
    """Which words match as prefixes: the last one while typing, and every long word."""
    last = len(words) - 1
    return [(prefix and n == last) or len(word) >= PREFIX_WORD_MIN for n, word in enumerate(words)]


def clean_text(value: str) -> str:
    """Text without control characters (which would break PostgreSQL or the highlighter)."""
    return _CONTROL_CHARACTERS.sub(" ", value or "")


def query_words(text: str) -> list[str]:
    """The words of a user's query, lower-cased, at most MAX_TERMS, from at most
    MAX_QUERY_LENGTH characters: nothing else of the text reaches the database."""
    return [word.lower() for word in _WORD.findall(text[:MAX_QUERY_LENGTH])][:MAX_TERMS]


def words_of(text: str) -> list[str]:
    """Every word of a text, lower-cased (as the full-text index holds them)."""
    return [word.lower() for word in _WORD.findall(text)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where each word of `text` starts and ends, in order."""
    return [match.span() for match in _WORD.finditer(text)]


def marked_html(text: str, *, start: str, end: str) -> SafeString:
    """Escape a highlighter's output, then turn its `start` and `end` markers (characters
    that no indexed text holds) into <mark> elements."""
    escaped = html.escape(text, quote=True)
    return mark_safe(escaped.replace(start, "<mark>").replace(end, "</mark>"))
