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

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.query.page_size))
