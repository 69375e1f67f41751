"""What a search asks (`SearchQuery`) and what it answers (`SearchResults`), for every engine."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from search.documents import SearchDocument

MAX_QUERY_LENGTH = 500
MAX_PAGE = 1000
DEFAULT_PAGE_SIZE = 20


class Sort:
    RELEVANCE = "relevance"  # by rank when there is text, newest first without text
    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"
    YEAR = "year"  # by `year` (e.g. the year a case was launched), latest first
    CHOICES = (RELEVANCE, NEWEST, OLDEST, TITLE, YEAR)


@dataclass(frozen=True, kw_only=True)
class SearchQuery:
    text: str = ""
    # facet name -> selected values (OR within a facet, AND across facets)
    selections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # base filters: not facets, not counted
    kinds: tuple[str, ...] = ()  # restrict to these kinds (e.g. a listing of cases)
    visibility: tuple[str, ...] = ("public",)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    # a range of `year` (inclusive bounds): a filter of the listing, so not counted as a facet
    year_from: int | None = None
    year_to: int | None = None
    sort: str = Sort.RELEVANCE
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    with_facets: bool = True
    with_highlights: bool = True
    # the language the words are written in (the reader's, unless said otherwise): engines
    # analyse the query in it; it never filters, so a Finnish reader still finds English cases
    language: str = ""
    # documents matching any of the words, those matching more of them first (the answer to
    # words that no document holds together); by default every word must match
    any_word: bool = False


@dataclass(frozen=True, kw_only=True)
class Hit:
    document: SearchDocument
    score: float = 0.0
    # field name -> HTML-safe snippet where matched words are wrapped in <mark>; only "title",
    # "summary" and "body" are highlighted.
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool
    label: str = ""


@dataclass(frozen=True, kw_only=True)
class SearchResults:
    query: SearchQuery
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    engine: str = "database"
    # set when a distributed engine failed and the database engine answered instead
    degraded: bool = False
    # Spelling (see search.selectors.search_run): the text as typed, when nothing matched it and
    # these results answer its correction (`query.text`) instead; or a correction that finds
    # something, offered beside the results of the text as typed.
    corrected_from: str = ""
    did_you_mean: str = ""
    # the search passed its time limit and was stopped (see search.engines.time_limit)
    too_slow: bool = False

    @property
    def words_searched(self) -> int:
        """How many of the words typed were searched for, when the text held more than a
        search takes (see search.engines.syntax); 0 when every word was."""
        from search.engines.syntax import parse_query
        from search.engines.text import MAX_TERMS

        return MAX_TERMS if parse_query(self.query.text).truncated else 0

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.query.page_size))
