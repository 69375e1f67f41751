"""The query language of every engine, as people know it from web search.

- `words`: every word must match (AND): as written, as a prefix (every long word, and the last
  word while it is being typed) or by its stem in Finnish, Swedish or English (`stemming`);
- `"an exact phrase"`: these words, next to each other, as written;
- `OR` (in capitals) between two terms: either of them; it binds tighter than the spaces
  around it, so `parks OR libraries budget` is (parks or libraries) and budget;
- `-word` or `-"a phrase"`: documents holding it are left out;
- synonyms the editors keep (`search.synonyms`): a word or phrase of a group also finds the
  others, in any language ("kokeilu" also finds "experiment" and "försök").

Anything else typed is words: a lone `-`, an `OR` with nothing on one side, punctuation. An
unbalanced quote makes the rest of the text the phrase. Stop words of the query's language are
left out of plain words unless nothing else is left ("the who" still searches for something).

The parsed query is bounded, so no input makes a slow query: at most MAX_TERMS words typed
(`text.query_words` applies the same bound), at most MAX_SYNONYMS phrases added per term.
Each engine compiles a `ParsedQuery` into its own syntax; user text only ever reaches the engines
as quoted words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from search.engines.stemming import STEMMED_LANGUAGES, stem, stop_words
from search.engines.text import MAX_TERMS, PREFIX_WORD_MIN, words_of
from search.query import MAX_QUERY_LENGTH, SearchQuery

MAX_SYNONYMS = 12  # phrases a synonym group adds to one term
MAX_PHRASE_WORDS = 4  # the longest synonym phrase looked for in a query
LONG_WORD = 8

# A token: an optional "-", then a quoted phrase (the closing quote may be missing) or a run of
# anything but spaces and quotes.
_TOKEN = re.compile(r'(?P<minus>-?)(?:"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+))')
_OR = "OR"


@dataclass(frozen=True)
class Phrase:
    """Words that must all match: next to each other and as written when `exact`, else each
    on its own (as written, as a prefix or by its stem)."""

    words: tuple[str, ...]
    exact: bool = False
    # the query's last word, still being typed: it matches as a prefix whatever its length
    typing: bool = False

    def prefixes(self) -> list[bool]:
        """Which of the words match as prefixes."""
        if self.exact:
            return [False] * len(self.words)
        last = len(self.words) - 1
        return [
            len(word) >= PREFIX_WORD_MIN or (self.typing and n == last)
            for n, word in enumerate(self.words)
        ]

    def __str__(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.exact else text


@dataclass(frozen=True)
class Clause:
    """One term of the query: a document must match at least one of the alternatives."""

    alternatives: tuple[Phrase, ...]


@dataclass(frozen=True)
class ParsedQuery:
    """Every clause must match; no excluded phrase may."""

    clauses: tuple[Clause, ...] = ()
    excluded: tuple[Phrase, ...] = ()
    # more words were typed than MAX_TERMS: the rest were left out
    truncated: bool = False

    def __bool__(self) -> bool:
        return bool(self.clauses or self.excluded)

    def phrases(self) -> list[Phrase]:
        """Every phrase a document may match by (for highlighting), in order."""
        return [phrase for clause in self.clauses for phrase in clause.alternatives]

    def words(self) -> list[str]:
        """Every word a document may match by, once each, in order."""
        return list(dict.fromkeys(word for phrase in self.phrases() for word in phrase.words))


def parsed_query(query: SearchQuery) -> ParsedQuery:
    """The `ParsedQuery` of a search, with the synonyms the editors keep."""
    from search.synonyms import synonym_groups  # a model's cache: read when searching

    return parse_query(query.text, language=query.language, synonyms=synonym_groups())


def parse_query(
    text: str,
    *,
    language: str = "",
    synonyms: Sequence[Sequence[Sequence[str]]] = (),
    typing: bool = True,
) -> ParsedQuery:
    """The `ParsedQuery` of a user's text (see the module doc). `synonyms` are groups of
    phrases (each a sequence of words); `typing`: the last plain word also matches as a
    prefix."""
    items, truncated = _items(text[:MAX_QUERY_LENGTH])
    included, excluded = _clauses(items)
    if typing and included:
        last = included[-1]
        if len(last) == 1 and not last[0].exact:
            included[-1] = [Phrase(last[0].words, typing=True)]
    if synonyms:
        included = _with_synonyms(included, _synonym_index(_hashable(synonyms)))
    included = _without_stop_words(included, language)
    return ParsedQuery(
        clauses=tuple(Clause(tuple(dict.fromkeys(alternatives))) for alternatives in included),
        excluded=tuple(excluded),
        truncated=truncated,
    )


# -- reading the text ------------------------------------------------------------------------


def _items(text: str) -> tuple[list[Phrase | str], bool]:
    """The text as phrases (an excluded one as "-" followed by it) and OR markers, at most
    MAX_TERMS words in all."""
    items: list[Phrase | str] = []
    budget = MAX_TERMS
    truncated = False
    for match in _TOKEN.finditer(text):
        bare = match["bare"]
        if bare == _OR:
            items.append(_OR)
            continue
        words = tuple(words_of(match["phrase"] if bare is None else bare))
        if not words:
            continue
        if len(words) > budget:
            truncated = True
            words = words[:budget]
            if not words:
                break
        budget -= len(words)
        if match["minus"]:
            items.append("-")
        # A quoted phrase of one word is that word, as written.
        items.append(Phrase(words, exact=bare is None))
        if budget == 0:
            truncated = truncated or bool(text[match.end() :].strip())
            break
    return items, truncated


def _clauses(items: list[Phrase | str]) -> tuple[list[list[Phrase]], list[Phrase]]:
    """Clauses (alternatives joined by OR) and excluded phrases."""
    clauses: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    joining = False  # the previous item was an OR after an included phrase
    exclude_next = False
    for item in items:
        if item == "-":
            exclude_next = True
        elif item == _OR:
            joining = bool(clauses) and not exclude_next
        else:
            assert isinstance(item, Phrase)
            if exclude_next:
                excluded.append(item)
                joining = False
            elif joining:
                clauses[-1].append(item)
                joining = False
            else:
                clauses.append([item])
            exclude_next = False
    # A plain term of several words ("slip-up") is each of its words.
    split: list[list[Phrase]] = []
    for alternatives in clauses:
        if len(alternatives) == 1 and not alternatives[0].exact:
            split += [[Phrase((word,))] for word in alternatives[0].words]
        else:
            split.append(alternatives)
    return split, excluded


def _without_stop_words(clauses: list[list[Phrase]], language: str) -> list[list[Phrase]]:
    """Plain clauses without the stop words of the query's language; all of them when
    nothing else would be left (or the language has no stop words)."""
    stops = stop_words(language)
    kept: list[list[Phrase]] = []
    for alternatives in clauses:
        plain = len(alternatives) == 1 and not alternatives[0].exact
        if plain and len(alternatives[0].words) == 1:
            if alternatives[0].words[0] not in stops:
                kept.append(alternatives)
        else:
            kept.append(alternatives)
    return kept or clauses


# -- synonyms --------------------------------------------------------------------------------


def _keys(word: str) -> frozenset[str]:
    """What a word is matched to a synonym phrase by: as written, and its stem in each
    language (tagged, so that a Finnish stem matches only a Finnish stem)."""
    keys = [word, *(f"{code}:{stem(word, code)}" for code in STEMMED_LANGUAGES)]
    if len(word) >= LONG_WORD:
        # Finnish inflection changes a long word's end beyond what its stemmer undoes
        # ("budjetointi", "budjetoinnin"): long words also meet by their beginning.
        keys.append(f"~{word[: LONG_WORD - 1]}")
    return frozenset(keys)


Groups = tuple[tuple[tuple[str, ...], ...], ...]


@dataclass(frozen=True)
class _SynonymIndex:
    groups: Groups
    # each key of a phrase's first word -> (keys of the phrase's words, group, phrase)
    by_key: dict[str, list[tuple[tuple[frozenset[str], ...], int, int]]]


@functools.lru_cache(maxsize=4)
def _synonym_index(groups: Groups) -> _SynonymIndex:
    by_key: dict[str, list[tuple[tuple[frozenset[str], ...], int, int]]] = {}
    for number, group in enumerate(groups):
        for position, phrase in enumerate(group):
            if not phrase or len(phrase) > MAX_PHRASE_WORDS:
                continue
            keys = tuple(_keys(word) for word in phrase)
            for key in keys[0]:
                by_key.setdefault(key, []).append((keys, number, position))
    return _SynonymIndex(groups, by_key)


def _with_synonyms(clauses: list[list[Phrase]], index: _SynonymIndex) -> list[list[Phrase]]:
    """Runs of plain words that form a phrase of a synonym group become one clause: the words
    as typed, or any other phrase of the group (longest phrase first, left to right)."""
    result: list[list[Phrase]] = []
    position = 0
    while position < len(clauses):
        run = _plain_run(clauses, position)
        found = _longest_synonym(run, index) if run else None
        if found is None:
            result.append(clauses[position])
            position += 1
            continue
        length, number, own = found
        typed = tuple(phrase.words[0] for phrase in run[:length])
        others = [
            phrase
            for n, phrase in enumerate(index.groups[number])
            if n != own and phrase and phrase != typed
        ][:MAX_SYNONYMS]
        typing = run[length - 1].typing
        result.append([Phrase(typed, typing=typing), *(Phrase(phrase) for phrase in others)])
        position += length
    return result


def _plain_run(clauses: list[list[Phrase]], start: int) -> list[Phrase]:
    """The plain one-word clauses from `start` on, up to MAX_PHRASE_WORDS of them."""
    run: list[Phrase] = []
    for alternatives in clauses[start : start + MAX_PHRASE_WORDS]:
        if len(alternatives) != 1 or alternatives[0].exact or len(alternatives[0].words) != 1:
            break
        run.append(alternatives[0])
    return run


def _longest_synonym(run: list[Phrase], index: _SynonymIndex) -> tuple[int, int, int] | None:
    """(words used, group, phrase) of the synonym phrase that `run` starts with: the longest;
    of those, the one whose words match best (as written, then by stem, then by beginning);
    then the group the editors made first."""
    keys = [_keys(phrase.words[0]) for phrase in run]
    candidates = {entry[1:]: entry[0] for key in keys[0] for entry in index.by_key.get(key, ())}
    best: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None
    for (number, position), phrase_keys in candidates.items():
        length = len(phrase_keys)
        if length > len(keys):
            continue
        quality = [_match_quality(phrase_keys[n], keys[n]) for n in range(length)]
        if not all(quality):
            continue
        rank = (length, sum(quality), -number)
        if best is None or rank > best[0]:
            best = (rank, (length, number, position))
    return best[1] if best else None


def _match_quality(phrase_keys: frozenset[str], word_keys: frozenset[str]) -> int:
    """3 for a word as written, 2 by a stem, 1 by its beginning only, 0 for no match."""
    shared = phrase_keys & word_keys
    if not shared:
        return 0
    if any(":" not in key and not key.startswith("~") for key in shared):
        return 3
    return 2 if any(":" in key for key in shared) else 1


def _hashable(groups: Sequence[Sequence[Sequence[str]]]) -> Groups:
    return tuple(tuple(tuple(phrase) for phrase in group) for group in groups)


def phrases_of(groups: Iterable[Iterable[str]]) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Synonym groups written as text ("participatory budgeting") as groups of word tuples."""
    return tuple(
        tuple(words for phrase in group if (words := tuple(words_of(phrase)))) for group in groups
    )
