"""Reads of the knowledge index: run a query on the configured engine, with labels."""

from __future__ import annotations

import logging
from dataclasses import replace

from search import registry
from search.documents import Visibility
from search.engines import get_database_engine, get_engine
from search.engines.base import SearchEngineError
from search.facets import FACETS_BY_NAME
from search.query import FacetValue, SearchQuery, SearchResults

logger = logging.getLogger(__name__)


def search_run(query: SearchQuery) -> SearchResults:
    """Answer `query` with the configured engine, facet values labelled.

    When a distributed engine fails, the database engine answers instead and the results say
    `degraded=True`; when the database engine itself fails, the error propagates.
    """
    engine = get_engine()
    fallback = get_database_engine()
    try:
        results = engine.search(query)
    except SearchEngineError:
        if engine is fallback:
            raise
        logger.exception("The %s search engine failed; answering from the database", engine.name)
        results = replace(fallback.search(query), degraded=True)
    return search_label_facets(results)


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


def search_visibility_for(user) -> tuple[str, ...]:
    """Which documents a visitor may find: members-only documents need a signed-in member."""
    if user is not None and user.is_authenticated and user.is_active:
        return (Visibility.PUBLIC, Visibility.MEMBERS)
    return (Visibility.PUBLIC,)


def kind_label(kind: str) -> str:
    """The singular display name of a kind ("Case study"), or the kind itself."""
    registration = registry.kinds().get(kind)
    return str(registration.label) if registration else kind
