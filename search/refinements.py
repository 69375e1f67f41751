"""Filters a query names in its words: "slip-up stories in Finland" offers Type: Stories,
Outcome: Slip-up and Country: Finland, each a link that selects the value and takes the words
that named it out of the text ("in Finland" goes, "slip-up stories" stays).

A query word names a facet value when it is a word of the value's label in English, Finnish or
Swedish, whatever the reader's language (a Finnish reader typing "Sweden" or "Ruotsi" means the
same country), case-insensitive, whole words only; a label of several words ("United Kingdom")
needs all of them in a row. Inflected forms count: the Snowball stem of the label's language
("stories" and "story", "Sveriges" and "Sverige"), and for Finnish, whose place names Snowball
stems unevenly ("suomi" but "suome" for "Suomessa"), the label word's own stems (`_fi_stems`)
followed by a case ending (`_FI_ENDINGS`): "Suomessa", "Ruotsista", "Islannissa", "mokista".
Only the values' labels are inflected, never arbitrary words, so "perustulo" is not Peru.

The names of every value of the facets in REFINED_FACETS are read once per LABELS_CACHE_SECONDS
(three queries); a query that names a value then also reads which values documents hold (the
facet counts of a text-less search, cached as long), since only those are offered. Never offered:
a value already selected, a value named by a function word ("Other"), or one named by a word that
is mostly something else in the reader's language (`_COMMON_WORDS`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import product

from django.core.cache import cache
from django.utils import translation

from portal.models.taxonomy import VOCABULARIES
from portal.vocabulary_labels import OUTCOMES
from search import registry
from search.engines.stemming import STEMMED_LANGUAGES, stem, stop_words
from search.engines.text import MAX_TERMS, word_spans
from search.facets import FACETS_BY_NAME
from search.query import SearchQuery
from search.selectors import search_facet_counts

# The facets whose values people name in a query, most telling first (a tie between two values
# named by the same words goes to the earlier facet). Left out: stages, innovation types, tool,
# member and case facets, whose labels are everyday words of this portal ("Testing", "Scaling",
# "Adaptive", "Free", "Beginner", "Manager", "Ongoing") and would fire on most queries, or
# collide with countries (the language "Finnish"); SDGs, whose goal titles ("Climate action",
# "Quality education") name topics that themes already cover, and which fewer documents carry,
# so narrowing to one would drop documents the words find; levels of government, whose one
# distinctive value ("Local government") is rarely typed.
REFINED_FACETS: tuple[str, ...] = ("country", "kind", "outcome", "method", "theme")
MAX_REFINEMENTS = 5
LABELS_CACHE_SECONDS = 600
# Function words just before the words of a value go with them ("in Finland", "i Sverige").
MAX_LEADING_STOP_WORDS = 2
# Label words that are mostly another word of one of the site's languages: not taken as the
# value when the reader writes in that language ("island" is Iceland in Swedish, "oman" is
# "own", "perusta" "basis" and "suomeksi" "in Finnish", the language, in Finnish).
_COMMON_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset({"island", "islands"}),
    "fi": frozenset({"oman", "palauta", "perusta", "puolia", "ruotsiksi", "suomeksi"}),
}

# Finnish: a case ending, alone ("Ruotsi|ssa") or after a plural or linking vowel that replaces
# a stem's final vowel: "i" an a, ä or e ("mok|ia", "onnistumis|ia"), "oi" an a ("tarin|oita"),
# "e" and "ei" an i ("suom|essa", "esimerkk|ejä"). Tying each linker to the vowel it replaces
# keeps "puol|et" (halves) from being Poland ("Puola", whose plural is "puol|ia").
_FI_CASES = (
    *("n", "t", "a", "ä", "ta", "tä", "na", "nä", "ksi", "ja", "jä", "den", "tten", "jen"),
    *("ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä", "lle"),
    *("an", "än", "en", "in", "on", "ön", "un", "yn", "han", "hän", "hen", "hin", "hon", "seen"),
)
_FI_LINKERS = {"i": "aäe", "oi": "a", "ei": "i", "e": "i"}


def _fi_endings() -> dict[str, str]:
    """ending -> the final vowels of a stem it may replace ("" when it follows a whole stem)."""
    endings = dict.fromkeys(_FI_CASES, "")
    # (no bare "n" after a linker: the plural instructive "-in" is rare, "samoin" is "likewise")
    for linker, case in product(_FI_LINKERS, [case for case in _FI_CASES if case != "n"]):
        endings[linker + case] = endings.get(linker + case, "") + _FI_LINKERS[linker]
    return endings


_FI_ENDINGS = _fi_endings()
_FI_MAX_ENDING = max(map(len, _FI_ENDINGS))
# Consonant gradation, strong to weak, of a stem's last consonants ("Islanti" → "Islanni-").
_FI_WEAK = {
    **{"kk": "k", "pp": "p", "tt": "t", "nt": "nn"},
    **{"nk": "ng", "mp": "mm", "lt": "ll", "rt": "rr"},
}
_FI_GRADED = re.compile(r"(kk|pp|tt|nt|nk|mp|lt|rt)([aeiouyäö]+)$")
# Swedish and English endings that Snowball does not take off every word ("Sveriges", "ups").
_ENDINGS = {
    "sv": frozenset({"s", "en", "et", "n", "na", "er", "ar", "erna", "arna", "ens", "ets"}),
    "en": frozenset({"s", "es"}),
}
_EDGE_PUNCTUATION = re.compile(r"^[\s,;:.!?/&–—-]+|[\s,;:.!?/&–—-]+$")
_SPACES = re.compile(r"\s+")
# An ending written after an apostrophe or a colon belongs to the word before it.
_ATTACHED_ENDING = re.compile(r"[’':][^\W_]{1,4}(?![^\W_])")
_STEM_MIN = 4  # shorter stems are shared by too many unrelated words


@dataclass(frozen=True)
class Refinement:
    """A facet value the query's words name, and the words that named it."""

    facet: str  # facet name (search.facets)
    facet_label: str
    value: str  # the vocabulary key, as selected in the URL
    label: str  # the value's name in the reader's language
    words: str  # the words it takes out of the text, as written ("in Finland")
    span: tuple[int, int]  # where they are in the query's text


def facet_refinements(query: SearchQuery, *, language: str) -> list[Refinement]:
    """The facet values `query.text` names, at most MAX_REFINEMENTS, in the order the text names
    them. A value named inside the words of a longer one is left out ("story" in "story
    workshops"); two values named by the same words both come (a kind and a method called
    "Participatory budgeting"): `combined` picks those that can be applied together."""
    if not query.text.strip():
        return []
    matcher = _matcher(_label_rows())
    spans = word_spans(query.text)[:MAX_TERMS]
    words = [query.text[start:end].lower() for start, end in spans]
    found = matcher.matches(words, language=language)
    if found:  # only values some document holds lead anywhere
        held = _held_values(query.visibility)
        found = [match for match in found if (match.facet, match.value) in held]
    found = [
        match
        for match in found
        if not any(
            other.start <= match.start and match.end <= other.end and other.length > match.length
            for other in found
        )
    ]
    taken = {n for match in found for n in range(match.start, match.end)}
    selected = {(name, value) for name, values in query.selections.items() for value in values}
    found = [match for match in found if (match.facet, match.value) not in selected]
    found.sort(key=lambda m: (m.start, -m.length, REFINED_FACETS.index(m.facet)))
    refinements: list[Refinement] = []
    seen: set[tuple[str, str]] = set()
    for match in found:
        if (match.facet, match.value) in seen:
            continue
        seen.add((match.facet, match.value))
        start = _leading_stop_words(words, match, taken=taken, language=language)
        end = spans[match.end - 1][1]
        if attached := _ATTACHED_ENDING.match(query.text, end):  # "Sweden's", "USA:ssa"
            end = attached.end()
        span = (spans[start][0], end)
        refinements.append(
            Refinement(
                facet=match.facet,
                facet_label=str(FACETS_BY_NAME[match.facet].label),
                value=match.value,
                label=matcher.label(match.facet, match.value, language),
                words=query.text[span[0] : span[1]],
                span=span,
            )
        )
    return refinements[:MAX_REFINEMENTS]


def combined(refinements: Sequence[Refinement]) -> list[Refinement]:
    """The refinements that can be applied together: each word is taken by one value only (the
    first offered for it)."""
    chosen: list[Refinement] = []
    for refinement in refinements:
        start, end = refinement.span
        if all(end <= other.span[0] or start >= other.span[1] for other in chosen):
            chosen.append(refinement)
    return chosen


def refined_query(query: SearchQuery, refinements: Iterable[Refinement]) -> SearchQuery:
    """`query` with the refinements' values selected and their words out of the text, on
    page 1."""
    refinements = list(refinements)
    selections = {name: list(values) for name, values in query.selections.items()}
    for refinement in refinements:
        values = selections.setdefault(refinement.facet, [])
        if refinement.value not in values:
            values.append(refinement.value)
    return replace(
        query,
        text=text_without(query.text, [r.span for r in refinements]),
        selections={name: tuple(values) for name, values in selections.items() if values},
        page=1,
    )


def text_without(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` without the given character spans, spaces and punctuation at the ends tidied
    ("" when no word is left)."""
    kept, position = [], 0
    for start, end in sorted(spans):
        kept.append(text[position:start])
        position = max(position, end)
    kept.append(text[position:])
    rest = _EDGE_PUNCTUATION.sub("", _SPACES.sub(" ", " ".join(kept)))
    return rest if word_spans(rest) else ""


def _leading_stop_words(
    words: Sequence[str], match: _Match, *, taken: set[int], language: str
) -> int:
    """Where the words a match takes start: up to MAX_LEADING_STOP_WORDS function words of the
    reader's or the label's language just before it ("in", "i", "from"), unless another value
    names them ("up" of "slip-up")."""
    stops = stop_words(language) | stop_words(match.language)
    start = match.start
    while (
        start > 0
        and match.start - start < MAX_LEADING_STOP_WORDS
        and start - 1 not in taken
        and words[start - 1] in stops
    ):
        start -= 1
    return start


# -- the names of the values, and which of them documents hold ------------------------------------

Row = tuple[str, str, str, str]  # facet, value, language, label


def _label_rows() -> tuple[Row, ...]:
    """(facet, value, language, label) of every value of REFINED_FACETS in each site language;
    cached for LABELS_CACHE_SECONDS."""
    rows = cache.get(_LABELS_KEY)
    if rows is None:
        rows = tuple(
            (name, key, code, label)
            for name in REFINED_FACETS
            for key, labels in _vocabulary_labels(FACETS_BY_NAME[name].vocabulary).items()
            for code, label in labels.items()
            if label
        )
        cache.set(_LABELS_KEY, rows, timeout=LABELS_CACHE_SECONDS)
    return rows


_LABELS_KEY = "search:refinement-labels"


def _vocabulary_labels(vocabulary: str | None) -> dict[str, dict[str, str]]:
    """value -> language -> name of every value of a vocabulary: the terms editors keep (themes,
    methods, countries) by their own `label` (one query for all three languages), kinds and
    story outcomes by their label providers (no query)."""
    model = VOCABULARIES.get(vocabulary or "")
    if model is not None:
        terms = list(model._default_manager.all())
        names: dict[str, dict[str, str]] = {term.key: {} for term in terms}
        for code in STEMMED_LANGUAGES:
            with translation.override(code):
                for term in terms:
                    names[term.key][code] = str(term.label)
        return names
    keys = list(registry.kinds()) if vocabulary == "kinds" else list(OUTCOMES)
    by_language = {}
    for code in STEMMED_LANGUAGES:
        with translation.override(code):
            by_language[code] = registry.labels_for(vocabulary, keys)
    return {key: {code: by_language[code].get(key, "") for code in by_language} for key in keys}


def _held_values(visibility: tuple[str, ...]) -> set[tuple[str, str]]:
    """(facet, value) of REFINED_FACETS that documents of this visibility hold, from a text-less
    search's counts; cached for LABELS_CACHE_SECONDS.

    Counted by `search_facet_counts` rather than `search_run`, which would also name every
    value of every facet; the database engine answers when a distributed one is down."""
    key = f"search:refinement-values:{','.join(sorted(visibility))}"
    held = cache.get(key)
    if held is None:
        facets = search_facet_counts(
            SearchQuery(visibility=visibility, page_size=0, with_highlights=False)
        )
        held = {(name, value.value) for name in REFINED_FACETS for value in facets.get(name, [])}
        cache.set(key, held, timeout=LABELS_CACHE_SECONDS)
    return held


# -- matching -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Label:
    facet: str
    value: str
    language: str
    words: tuple[str, ...]
    forms: tuple[frozenset[str], ...]  # per word: the forms a query word is cut down to match
    stems: tuple[str, ...]  # per word: its Snowball stem in `language` ("" when too short)


@dataclass(frozen=True)
class _Match:
    facet: str
    value: str
    language: str
    start: int  # first and one past the last query word of the label
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


class _Matcher:
    """Every label word of every value, looked up by what a query word can be cut down to."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.names: dict[tuple[str, str, str], str] = {}
        self.by_form: dict[str, list[_Label]] = {}
        self.by_stem: dict[tuple[str, str], list[_Label]] = {}
        generic = {(facet, value) for facet, value, _, label in rows if _is_function_words(label)}
        for facet, value, language, name in rows:
            self.names[(facet, value, language)] = name
            words = tuple(word.lower() for word in _words(name))
            if not words or (facet, value) in generic:
                continue
            label = _Label(
                facet,
                value,
                language,
                words,
                forms=tuple(_label_forms(word, language) for word in words),
                stems=tuple(_stem_key(word, language) for word in words),
            )
            for form in label.forms[0]:
                self.by_form.setdefault(form, []).append(label)
            if label.stems[0]:
                self.by_stem.setdefault((language, label.stems[0]), []).append(label)

    def label(self, facet: str, value: str, language: str) -> str:
        """The value's name in `language` (else English, else any)."""
        for code in (language, "en", *STEMMED_LANGUAGES):
            if name := self.names.get((facet, value, code)):
                return name
        return value

    def matches(self, words: Sequence[str], *, language: str) -> list[_Match]:
        """Every label whose words are query words in a row, at each position."""
        common = _COMMON_WORDS.get(language, frozenset())
        found: list[_Match] = []
        for start, word in enumerate(words):
            if word in common:
                continue
            for label in self._starting_with(word):
                end = start + len(label.words)
                if end <= len(words) and all(
                    _accepts(label, n, words[start + n]) for n in range(1, len(label.words))
                ):
                    found.append(_Match(label.facet, label.value, label.language, start, end))
        return found

    def _starting_with(self, word: str) -> list[_Label]:
        labels: dict[int, _Label] = {}
        for form in _query_forms(word):
            for label in self.by_form.get(form, ()):
                labels[id(label)] = label
        for code in STEMMED_LANGUAGES:
            for label in self.by_stem.get((code, _stem_key(word, code)), ()):
                labels[id(label)] = label
        return [label for label in labels.values() if _accepts(label, 0, word)]


@functools.lru_cache(maxsize=4)
def _matcher(rows: tuple[Row, ...]) -> _Matcher:
    return _Matcher(rows)


def _accepts(label: _Label, n: int, word: str) -> bool:
    """Is the query `word` the label's n-th word, or a form of it in the label's language?"""
    if word == label.words[n]:
        return True
    if label.stems[n] and _stem_key(word, label.language) == label.stems[n]:
        return True
    return bool(label.forms[n] & _query_forms(word, label.language))


def _words(text: str) -> list[str]:
    return [text[start:end] for start, end in word_spans(text)]


def _is_function_words(label: str) -> bool:
    """Is a label nothing but function words ("Other")? Such a value would match everywhere."""
    words = [word.lower() for word in _words(label)]
    return bool(words) and all(
        any(word in stop_words(code) for code in STEMMED_LANGUAGES) for word in words
    )


def _stem_key(word: str, language: str) -> str:
    """The Snowball stem a label word is matched by, "" for none: Finnish words are matched by
    their own stems (`_fi_stems`) only, since a Finnish Snowball stem is shared by too many
    other words ("peruuta", cancel, is stemmed "peru")."""
    if language == "fi":
        return ""
    root = stem(word, language)
    return root if len(root) >= _STEM_MIN else ""


@functools.cache
def _label_forms(word: str, language: str) -> frozenset[str]:
    """The forms of a label word that a query word cut down by `_query_forms` is compared with:
    the word itself, and for Finnish its stems (`_fi_stems`)."""
    if language != "fi":
        return frozenset({word})
    return frozenset(_fi_stems(word))


def _fi_stems(word: str) -> set[str]:
    """A Finnish label word's stems: the word, without a plural "t", with the stem vowel or
    consonants it takes before case endings ("suomi": "suome-", "koulutus": "koulutukse-",
    "islanti": "islanni-"), and without its final vowel, marked "+<vowel>" ("tarina":
    "tarin+a", which only an ending with a linking vowel follows: "tarin|oita")."""
    stems = {word}
    if word.endswith("t") and len(word) > 3:  # a plural label: "tarinat", "yhdysvallat"
        stems.add(word[:-1])
    for base in list(stems):
        if base.endswith("i"):
            stems.add(base[:-1] + "e")  # "suomi": "suome-"
        if base.endswith(("us", "ys")):
            stems.add(base[:-1] + "kse")  # "koulutus": "koulutukse-"
        if base.endswith("eys"):
            stems.update({base[:-1] + "de", base[:-1] + "t"})  # "terveys": "terveyde-", "terveyt-"
        if base.endswith("nen"):
            stems.update({base[:-3] + "se", base[:-3] + "s"})  # "onnistumise-", "onnistumis-"
    for base in list(stems):
        if base[-1] in "aäei" and len(base) > 3:
            stems.add(f"{base[:-1]}+{base[-1]}")
    # the weak grade of the last consonants, before endings that close the syllable; never
    # without the final vowel (the weak "mall-" of Malta would be "mallit", models)
    for base in [base for base in stems if "+" not in base]:
        if graded := _FI_GRADED.search(base):
            strong, vowels = graded.groups()
            stems.add(base[: graded.start()] + _FI_WEAK[strong] + vowels)  # "islanni-"
    return {base for base in stems if len(base.partition("+")[0]) >= 3}


@functools.lru_cache(maxsize=4096)
def _query_forms(word: str, language: str | None = None) -> frozenset[str]:
    """What a query word may be cut down to: itself and, in `language` (all three when None),
    the word without one ending; for a Finnish ending with a linking vowel, also the cut marked
    with each final vowel the linker replaces ("mokista": "mok+a", see `_fi_stems`)."""
    forms = {word}
    for code in (language,) if language else STEMMED_LANGUAGES:
        if code == "fi":
            for cut in range(1, min(_FI_MAX_ENDING, len(word) - 3) + 1):
                base = word[:-cut]
                replaced = _FI_ENDINGS.get(word[-cut:])
                if replaced is not None:
                    forms.add(base)
                    forms.update(f"{base}+{vowel}" for vowel in replaced)
        else:
            forms.update(
                word[: -len(ending)]
                for ending in _ENDINGS[code]
                if word.endswith(ending) and len(word) - len(ending) >= 3
            )
    return frozenset(forms)
