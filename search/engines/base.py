"""The interface every search engine implements (database, Elasticsearch, OpenSearch)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from search.documents import SearchDocument
from search.query import SearchQuery, SearchResults


class SearchEngineError(Exception):
    """The engine could not answer (down, timed out, rejected the request)."""


class DocumentsRejected(SearchEngineError):
    """The engine refused some documents for good (e.g. a mapping error): retrying them cannot
    help. The rest of the batch was written."""

    def __init__(self, ids: list[str], reason: str) -> None:
        super().__init__(f"{len(ids)} documents rejected: {reason}")
        self.ids = ids


class SearchTooSlow(Exception):
    """A search passed its time limit (see `time_limit`) and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the search took longer than {seconds:g} s and was stopped")
        self.seconds = seconds


class SearchEngine(ABC):
    name: str = ""
    typo_tolerant: bool = False  # long words match with an edit or two ("bicylce")

    def ensure_index(self) -> bool:
        """Create the index when the engine has none; True when it did (the caller then sends
        every document again). The database engine's tables come with its migrations."""
        return False

    @abstractmethod
    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents by id; return how many were written."""

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id (unknown ids are ignored); return how many were removed."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResults:
        """Answer a query: ranked hits with highlights, the total and disjunctive facet counts.

        Facet values carry no labels here; `search.selectors.search_run` adds them.
        """

    @abstractmethod
    def suggest(self, prefix: str, *, limit: int = 8) -> list[SearchDocument]:
        """Documents whose title starts with (a word starting with) `prefix`, for autocomplete."""

    @abstractmethod
    def related(self, doc_id: str, *, limit: int = 6) -> list[SearchDocument]:
        """Documents most like `doc_id`: its explicit `related` links first, then similar ones."""

    @abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (a rebuild then indexes everything again)."""

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Replace the whole index with `docs`. Distributed engines build a new index and swap an
        alias; the database engine clears and refills in one transaction."""
        self.clear()
        return self.index(docs)

    def spelling(self, words: Sequence[str], *, language: str = "") -> dict[str, str]:
        """Corrections from the index's own vocabulary: word -> correction (both lower case),
        for the `words` of a query (in `language`) that have one (see
        search.engines.spelling for the rule every engine follows); {} for an engine without
        a vocabulary."""
        return {}
