"""Spelling corrections ("did you mean") from the index's own vocabulary, for every engine.

One rule picks a correction, whatever the engine (`best_correction`):

- only words of MIN_WORD_LENGTH letters or more are corrected (no digits, no stop words of the
  query's language: those are not searched);
- a candidate is a word of the index at most one edit away for words of up to five letters, two
  for longer ones (optimal string alignment: swapping two neighbouring letters is one edit);
- each candidate scores its document frequency divided by EDIT_COST for every edit, the word
  itself (no edit) its own frequency; the best score wins (ties: fewer edits, then the first
  alphabetically). So a word the index does not hold takes its nearest frequent neighbour, and a
  word it holds is only corrected when a neighbour one edit away is EDIT_COST (50) times as
  frequent (two edits away: 2,500 times);
- a correction is a word as written in some document, never a stem.

Where the vocabulary comes from:

- SQLite: the FTS5 table through an `fts5vocab` table (`search_fts_vocabulary`, migration 0010),
  always current. It holds stems beside the words as written (see `stemming.indexed_words`), so
  a candidate is only proposed once a document is seen to hold it as written. Candidates share
  the word's first two letters (one range of the vocabulary), or are one edit away within them.
- PostgreSQL: `search_spelling_term` (word, documents), the words as written of every document
  (the `simple` parser), kept current by statement triggers on the document table (migration
  0010). A word's neighbours one edit away are looked up by name; only when there are none
  does a trigram index (pg_trgm) find those two edits away (one two edits away would have to
  be fifty times as frequent to win over one a single edit away: skipping the search rarely
  changes an answer, and keeps it to milliseconds).
- Elasticsearch and OpenSearch: the term suggester over `title`, `summary` and `body` (words as
  written), and a `filters` aggregation for the frequencies of the words themselves, in one
  request (`suggester_body`, `suggester_corrections`).

The vocabulary holds every document, members-only ones too: `search.selectors.search_run` only
shows a correction that finds something for the reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import batched

from django.db import connection, transaction

from rapidfuzz.distance import OSA

from search.engines.stemming import stop_words
from search.engines.text import word_spans

MIN_WORD_LENGTH = 4
SHORT_WORD_LENGTH = 5  # up to this many letters, one edit; longer words, two
EDIT_COST = 50
MAX_CORRECTED_WORDS = 8
# A word in more than this share of the documents cannot have a neighbour EDIT_COST times as
# frequent: the suggester need not look (and Elasticsearch's default, 1 %, would be too low).
MAX_CORRECTED_SHARE = 1 / EDIT_COST
# Letters tried where a word one edit away is looked up by name (`_edits`); the word's own
# letters are added per word.
_ALPHABET = "abcdefghijklmnopqrstuvwxyzåäö"
_LOOKUP_BATCH = 500


def max_edits(word: str) -> int:
    """How many edits a correction of `word` may make: none under MIN_WORD_LENGTH letters,
    one up to SHORT_WORD_LENGTH, two for longer words."""
    if len(word) < MIN_WORD_LENGTH:
        return 0
    return 1 if len(word) <= SHORT_WORD_LENGTH else 2


def correctable(words: Iterable[str], language: str) -> list[str]:
    """The distinct lower-case words worth correcting: letters only, long enough, not a stop
    word of `language`; the first MAX_CORRECTED_WORDS of them (a pasted paragraph is not
    proofread)."""
    stops = stop_words(language)
    checked = dict.fromkeys(
        word
        for word in (word.lower() for word in words)
        if word.isalpha() and max_edits(word) and word not in stops
    )
    return list(checked)[:MAX_CORRECTED_WORDS]


def best_correction(word: str, frequency: int, candidates: Mapping[str, int]) -> str | None:
    """The correction of `word` (held by `frequency` documents) among `candidates` (word ->
    documents), or None when `word` itself scores best (see the module docstring)."""
    limit = max_edits(word)
    best: tuple[float, int, str] | None = None
    for candidate, documents in candidates.items():
        if candidate == word or documents <= 0 or not candidate.isalpha():
            continue
        edits = OSA.distance(word, candidate, score_cutoff=limit)
        if edits > limit:
            continue
        key = (-documents / EDIT_COST**edits, edits, candidate)
        if best is None or key < best:
            best = key
    if best is None or -best[0] < frequency:
        return None
    return best[2]


def corrected_text(text: str, corrections: Mapping[str, str]) -> str:
    """`text` with each word that `corrections` (lower-case word -> correction) names replaced,
    in the same case (“Budgetting” -> “Budgeting”), everything else kept as typed."""
    pieces: list[str] = []
    position = 0
    for start, end in word_spans(text):
        written = text[start:end]
        correction = corrections.get(written.lower())
        if correction is None:
            continue
        if written.isupper() and len(written) > 1:
            correction = correction.upper()
        elif written[0].isupper():
            correction = correction[0].upper() + correction[1:]
        pieces += [text[position:start], correction]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def synonym_corrections(
    words: Sequence[str], *, language: str, groups: Iterable[Iterable[Iterable[str]]]
) -> dict[str, str]:
    """Corrections of words towards the words of the editors' synonym groups, for a text that
    the index's own vocabulary cannot correct: the site's own terms in every language, though
    the index may hold a term in one only ("budjetionti" -> "budjetointi", which then finds
    "participatory budgeting"). The nearest word wins; between equals, the first in order."""
    checked = correctable(words, language)
    if not checked:
        return {}
    known = dict.fromkeys(
        word for group in groups for phrase in group for word in phrase if word.isalpha()
    )
    corrections = {}
    for word in checked:
        if word in known:
            continue
        limit = max_edits(word)
        best: tuple[int, str] | None = None
        for candidate in known:
            if abs(len(candidate) - len(word)) > limit:
                continue
            edits = OSA.distance(word, candidate, score_cutoff=limit)
            if edits <= limit and (best is None or edits < best[0]):
                best = (edits, candidate)
        if best is not None:
            corrections[word] = best[1]
    return corrections


# -- the database engine ---------------------------------------------------------------------


def database_spelling(words: Sequence[str], *, language: str) -> dict[str, str]:
    """Corrections (word -> correction) of the words that have one, from the database
    engine's vocabulary (SQLite or PostgreSQL)."""
    checked = correctable(words, language)
    if not checked:
        return {}
    vocabulary = _vocabulary_of_connection()
    frequencies = vocabulary.frequencies(checked)
    documents = vocabulary.documents()
    corrections = {}
    for word in checked:
        frequency = frequencies.get(word, 0)
        if frequency * EDIT_COST > documents:
            continue  # no neighbour can be EDIT_COST times as frequent
        candidates = vocabulary.neighbours(word)
        while candidates:
            correction = best_correction(word, frequency, candidates)
            if correction is None:
                break
            if vocabulary.written(correction):
                corrections[word] = correction
                break
            del candidates[correction]  # a stem, not a word as written: the next best
    return corrections


class _Vocabulary:
    """The words of the database engine's index, with the number of documents holding each."""

    def frequencies(self, words: Sequence[str]) -> dict[str, int]:
        """word -> documents, for the `words` the index holds."""
        raise NotImplementedError

    def neighbours(self, word: str) -> dict[str, int]:
        """word -> documents, for words of the index that may be within `max_edits(word)`
        of `word` (a superset: `best_correction` measures)."""
        raise NotImplementedError

    def written(self, term: str) -> bool:
        """Is `term` a word as written in some document (not only a stem)?"""
        return True

    def documents(self) -> int:
        """How many documents the index holds (as last written: see `index_changed`)."""
        from search.models import IndexedDocument, IndexState

        counted = IndexState.objects.filter(pk=1).values_list("documents", flat=True).first()
        return IndexedDocument.objects.count() if counted is None else counted


class _SqliteVocabulary(_Vocabulary):
    TABLE = "search_fts_vocabulary"
    # Documents read to see whether a candidate is written as such (not only a stem).
    WRITTEN_SAMPLE = 20

    def _lookup(self, terms: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        with connection.cursor() as cursor:
            for chunk in batched(sorted(set(terms)), _LOOKUP_BATCH):
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT term, doc FROM {self.TABLE} WHERE term IN ({placeholders})", chunk
                )
                found.update((term, int(doc)) for term, doc in cursor.fetchall())
        return found

    def frequencies(self, words):
        return self._lookup(words)

    def neighbours(self, word):
        limit = max_edits(word)
        prefix = word[:2]
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        with connection.cursor() as cursor:
            # One range of the (sorted) vocabulary: the words sharing the first two letters.
            cursor.execute(
                f"SELECT term, doc FROM {self.TABLE} WHERE term >= %s AND term < %s",
                (prefix, upper),
            )
            found = {
                term: int(doc)
                for term, doc in cursor.fetchall()
                if abs(len(term) - len(word)) <= limit
            }
        found.update(self._lookup(_edits(word, within=2)))
        return found

    def written(self, term):
        from search.engines.full_text import document_table

        pattern = re.compile(rf"(?<![^\W_]){re.escape(term)}(?![^\W_])", re.IGNORECASE)
        sql = (
            f"SELECT d.title, d.summary, d.body FROM search_fts "
            f"JOIN {document_table()} d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH %s LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (f'"{term}"', self.WRITTEN_SAMPLE))
            return any(pattern.search(text or "") for row in cursor.fetchall() for text in row)


class _PostgresVocabulary(_Vocabulary):
    TABLE = "search_spelling_term"
    # Trigram similarity a neighbour two edits away must pass to be measured: lower finds
    # more of them and costs more (a million words: ~80 ms at 0.2, ~25 ms at 0.3).
    SIMILARITY = 0.3
    NEIGHBOURS = 200

    def frequencies(self, words):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, documents FROM {self.TABLE} WHERE term = ANY(%s)", (list(words),)
            )
            return {term: int(documents) for term, documents in cursor.fetchall()}

    def neighbours(self, word):
        # The words one edit away, by name (a few hundred primary key lookups); a swap of two
        # letters leaves few trigrams in common ("sotry" / "story": 0.2).
        found = self.frequencies(sorted(_edits(word)))
        if found or max_edits(word) < 2:
            return found
        # None: the words two edits away, through the trigram index.
        limit = max_edits(word)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                (str(self.SIMILARITY),),
            )
            cursor.execute(
                f"SELECT term, documents FROM {self.TABLE} "
                "WHERE term %% %s AND length(term) BETWEEN %s AND %s "
                "ORDER BY documents DESC LIMIT %s",
                (word, len(word) - limit, len(word) + limit, self.NEIGHBOURS),
            )
            return {term: int(documents) for term, documents in cursor.fetchall()}


def _vocabulary_of_connection() -> _Vocabulary:
    if connection.vendor == "sqlite":
        return _SqliteVocabulary()
    return _PostgresVocabulary()


def _edits(word: str, *, within: int | None = None) -> set[str]:
    """The words one edit away from `word` (a letter changed, added or left out, or two
    neighbouring letters swapped); with `within`, only those that change its first `within`
    letters."""
    letters = sorted(set(_ALPHABET) | set(word))
    end = len(word) if within is None else min(within, len(word))
    edits: set[str] = set()
    for position in range(end + 1):
        before, after = word[:position], word[position:]
        for letter in letters:
            edits.add(before + letter + after)  # added
            if after:
                edits.add(before + letter + after[1:])  # changed
        if after:
            edits.add(before + after[1:])  # left out
        if len(after) > 1:
            edits.add(before + after[1] + after[0] + after[2:])  # swapped
    if within is not None:
        edits = {edit for edit in edits if edit[:within] != word[:within]}
    edits.discard(word)
    return edits


# -- Elasticsearch and OpenSearch ------------------------------------------------------------

SUGGESTER_FIELDS = ("title", "summary", "body")
SUGGESTER_SIZE = 10


def suggester_body(words: Sequence[str]) -> dict | None:
    """One search request asking, for each word, the term suggester of every text field (words
    as written) and, in a `filters` aggregation, how many documents hold the word itself; None
    when there is nothing to ask."""
    if not words:
        return None
    suggest = {
        f"w{number}_{name}": {
            "text": word,
            "term": {
                "field": name,
                "suggest_mode": "always",
                "max_edits": max_edits(word),
                "prefix_length": 1,
                "min_word_length": MIN_WORD_LENGTH,
                "max_term_freq": MAX_CORRECTED_SHARE,
                "size": SUGGESTER_SIZE,
            },
        }
        for number, word in enumerate(words)
        for name in SUGGESTER_FIELDS
    }
    frequencies = {
        f"w{number}": {"multi_match": {"query": word, "fields": list(SUGGESTER_FIELDS)}}
        for number, word in enumerate(words)
    }
    return {
        "size": 0,
        "query": {"match_all": {}},
        "aggs": {"spelling": {"filters": {"filters": frequencies}}},
        "suggest": suggest,
    }


def suggester_corrections(words: Sequence[str], response: dict) -> dict[str, str]:
    """The corrections in the answer to `suggester_body(words)`: a candidate's frequency is the
    most documents any field's suggester reports for it."""
    buckets = ((response.get("aggregations") or {}).get("spelling") or {}).get("buckets") or {}
    found = response.get("suggest") or {}
    corrections = {}
    for number, word in enumerate(words):
        candidates: dict[str, int] = {}
        for name in SUGGESTER_FIELDS:
            for entry in found.get(f"w{number}_{name}") or []:
                for option in entry.get("options") or []:
                    text = str(option.get("text", "")).lower()
                    candidates[text] = max(candidates.get(text, 0), int(option.get("freq", 0)))
        frequency = int((buckets.get(f"w{number}") or {}).get("doc_count", 0))
        correction = best_correction(word, frequency, candidates)
        if correction is not None:
            corrections[word] = correction
    return corrections
