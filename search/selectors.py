"""Reads of the knowledge index: run a query on the configured engine, with labels."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation

from search import registry
from search.documents import SearchDocument, Visibility
from search.engines import get_database_engine, get_engine
from search.engines.base import SearchEngine, SearchEngineError, SearchTooSlow
from search.engines.spelling import corrected_text, synonym_corrections
from search.engines.syntax import parse_query
from search.facets import FACETS_BY_NAME
from search.query import FacetValue, SearchQuery, SearchResults
from search.synonyms import synonym_groups

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

logger = logging.getLogger(__name__)


class _Outage:
    """Whether the configured engine is down, per process: it is logged once when it goes
    down and once when it answers again, and while it is down it is only asked again every
    SEARCH_RETRY_SECONDS (the database answers meanwhile, without waiting for a timeout)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0

    def should_try(self) -> bool:
        with self.lock:
            return self.down_since is None or time.monotonic() >= self.retry_at

    def failed(self, engine: SearchEngine, error: SearchEngineError) -> None:
        with self.lock:
            now = time.monotonic()
            first = self.down_since is None
            if first:
                self.down_since = now
            self.retry_at = now + getattr(settings, "SEARCH_RETRY_SECONDS", 30)
        if first:
            logger.error(
                "The %s search engine does not answer (%s); searches answer from the database "
                "until it does.",
                engine.name,
                error,
            )

    def answered(self, engine: SearchEngine) -> None:
        with self.lock:
            down_since, self.down_since = self.down_since, None
        if down_since is not None:
            logger.warning(
                "The %s search engine answers again after %.0f s.",
                engine.name,
                time.monotonic() - down_since,
            )


_outage = _Outage()


def _with_fallback[T](call: Callable[[SearchEngine], T]) -> tuple[T, SearchEngine, bool]:
    """(result, engine that answered, degraded): the configured engine, or the database
    engine when a distributed engine fails or is known to be down."""
    engine = get_engine()
    fallback = get_database_engine()
    if engine is fallback:
        return call(engine), engine, False
    if _outage.should_try():
        try:
            result = call(engine)
        except SearchEngineError as error:
            _outage.failed(engine, error)
        else:
            _outage.answered(engine)
            return result, engine, False
    return call(fallback), fallback, True


def search_run(query: SearchQuery, *, correct_spelling: bool = False) -> SearchResults:
    """Answer `query` with the configured engine, facet values labelled.

    When a distributed engine fails, the database engine answers instead and the results say
    `engine="database", degraded=True` (logged once per outage); when the database engine
    itself fails, the error propagates.

    With `correct_spelling` (pages that show it: see `search_spelling`), a text that matches
    nothing is answered by its correction (`corrected_from` says so), and results that a
    correction would also find carry it in `did_you_mean`; words that no document holds
    together are then answered by the documents holding most of them (`query.any_word`).

    A search that passes its time limit answers nothing, with `too_slow` set.
    """
    if not query.language:
        query = replace(query, language=translation.get_language() or "")
    if correct_spelling and query.text:
        answer = partial(_search_explained, query)
    else:
        answer = partial(_search, query)
    try:
        results, _, degraded = _with_fallback(answer)
    except SearchTooSlow as slow:
        logger.warning("search stopped: %s (%d characters of text)", slow, len(query.text))
        return SearchResults(query=query, total=0, hits=[], too_slow=True)
    if degraded:
        results = replace(results, degraded=True)
    return search_label_facets(results)


def _search(query: SearchQuery, engine: SearchEngine) -> SearchResults:
    return engine.search(query)


def _search_explained(query: SearchQuery, engine: SearchEngine) -> SearchResults:
    """`search_spelling`; when nothing is found still, and the text holds several terms, the
    documents holding some of them (the most first)."""
    results = search_spelling(query, engine)
    if results.total or len(parse_query(query.text, language=query.language).clauses) < 2:
        return results
    relaxed = engine.search(replace(results.query, any_word=True))
    return replace(relaxed, corrected_from=results.corrected_from) if relaxed.total else results


def search_spelling(query: SearchQuery, engine: SearchEngine) -> SearchResults:
    """`engine`'s answer to `query`, or to its spelling correction (from the index's vocabulary:
    see search.engines.spelling) when the text as typed matches nothing and the correction
    does; otherwise the answer to the text as typed, with the correction in `did_you_mean`
    when it would find something too. A correction is only offered when it finds something
    for this reader, so the words of documents they may not read never show. A text that
    finds nothing may also be corrected towards the words of the editors' synonym groups."""
    results = engine.search(query)
    # The words searched for as typed: not the excluded ones, stop words or synonyms.
    words = parse_query(query.text, language=query.language).words()
    corrections = engine.spelling(words, language=query.language)
    if not results.total:
        uncorrected = [word for word in words if word not in corrections]
        corrections |= synonym_corrections(
            uncorrected, language=query.language, groups=synonym_groups()
        )
    text = corrected_text(query.text, corrections) if corrections else query.text
    if text == query.text:
        return results
    corrected = replace(query, text=text)
    if not results.total:
        other = engine.search(corrected)
        return replace(other, corrected_from=query.text) if other.total else results
    probe = replace(corrected, page=1, page_size=1, with_facets=False, with_highlights=False)
    return replace(results, did_you_mean=text) if engine.search(probe).total else results


def search_facet_counts(query: SearchQuery) -> dict[str, list[FacetValue]]:
    """The facet counts of `query` as the engine gives them (values not labelled), with the
    same fallback as `search_run`: for code that needs which values documents hold, not their
    names."""
    results, _, _ = _with_fallback(lambda engine: engine.search(query))
    return results.facets


def search_suggest(prefix: str, *, limit: int = 8) -> tuple[list[SearchDocument], str, bool]:
    """Titles for autocomplete: (documents, engine name, degraded), with the same fallback."""
    documents, engine, degraded = _with_fallback(lambda e: e.suggest(prefix, limit=limit))
    return documents, engine.name, degraded


def search_related(doc_id: str, *, limit: int = 6) -> list[SearchDocument]:
    """Documents like `doc_id` (explicit links first), with the same fallback."""
    documents, _, _ = _with_fallback(lambda engine: engine.related(doc_id, limit=limit))
    return documents


def search_label_facets(results: SearchResults) -> SearchResults:
    """Fill in FacetValue.label, with one label lookup per facet (values without a name, and
    facets without a vocabulary such as year, show the value itself)."""
    facets: dict[str, list[FacetValue]] = {}
    for name, values in results.facets.items():
        facet = FACETS_BY_NAME.get(name)
        vocabulary = facet.vocabulary if facet else None
        labels = registry.labels_for(vocabulary, [v.value for v in values]) if vocabulary else {}
        facets[name] = [replace(v, label=str(labels.get(v.value) or v.value)) for v in values]
    return replace(results, facets=facets)


def search_visibility_for(user: AbstractBaseUser | AnonymousUser | None) -> tuple[str, ...]:
    """Which documents `user` may find: members-only documents only for those the network's
    rule lets read them (`registry.reads_members_only`); everyone else, pending and
    deactivated accounts included, finds what a visitor finds."""
    if registry.reads_members_only(user):
        return (Visibility.PUBLIC, Visibility.MEMBERS)
    return (Visibility.PUBLIC,)


def kind_label(kind: str) -> str:
    """The singular display name of a kind ("Case study"), or the kind itself."""
    registration = registry.kinds().get(kind)
    return str(registration.label) if registration else kind
