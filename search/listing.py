"""A content area's listing (the case library, the toolkit, the stories) answered by the
knowledge index: the query from the URL, the results, and the page's facets in the area's order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.http import HttpRequest

from search.forms import InvalidSearch, spelling_wanted
from search.query import SearchQuery, SearchResults
from search.selectors import search_run
from search.views import search_page_links


@dataclass(frozen=True)
class Listing:
    query: SearchQuery | None
    results: SearchResults | None
    error: str | None
    links: dict
    facets: list[dict]

    @property
    def status(self) -> int:
        """400 when the URL's parameters were refused (the page says why), else 200."""
        return 400 if self.error else 200

    def context(self) -> dict:
        """What every listing template reads: the links, query, results, error and facets."""
        return {
            **self.links,
            "query": self.query,
            "results": self.results,
            "error": self.error,
            "facets": self.facets,
        }

    def names(self, facet: str, values: Iterable[str]) -> list[str]:
        """The labels of `values` of `facet` as the facet shows them (the key when unknown)."""
        labels = self._labels.get(facet, {})
        return [labels.get(value, value) for value in values]

    @cached_property
    def _labels(self) -> dict[str, dict[str, str]]:
        return {f["name"]: {v["value"]: v["label"] for v in f["values"]} for f in self.facets}


def listing_run(
    request: HttpRequest,
    *,
    build_query: Callable[[HttpRequest], SearchQuery],
    facet_names: Sequence[str],
) -> Listing:
    """Run the listing whose query `build_query` reads from the URL; keep the facets named in
    `facet_names`, in that order. An invalid URL gives a listing with `error` and no results.
    A text that matches nothing is answered by its spelling correction, unless the URL says
    `exact=1` (the links say so: `spelling`, shown by components/spelling_notice.html)."""
    query: SearchQuery | None = None
    results: SearchResults | None = None
    error = None
    correct = spelling_wanted(request.GET)
    try:
        query = build_query(request)
    except InvalidSearch as invalid:
        error = str(invalid)
    else:
        results = search_run(query, correct_spelling=correct)
    links = search_page_links(request.path, query, results, exact=not correct)
    facets = [facet for facet in links["facets"] if facet["name"] in facet_names]
    facets.sort(key=lambda facet: facet_names.index(facet["name"]))
    return Listing(query=query, results=results, error=error, links=links, facets=facets)
