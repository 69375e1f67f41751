"""The search page (/search/) and the search API (/api/search/).

Both read the same GET parameters (see search.forms) and run `search_run`; the page adds the
URLs that toggle facet values, remove filters, change the sort and turn pages, all built from
the validated query so that every state of the page is a shareable URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from search.engines import get_engine
from search.facets import FACETS
from search.forms import SORT_LABELS, InvalidSearch, SearchForm, query_from_params
from search.query import SearchQuery, SearchResults, Sort
from search.selectors import kind_label, search_run, search_suggest, search_visibility_for

DEFAULT_SUGGESTIONS = 8
MAX_SUGGESTIONS = 20
MAX_SUGGEST_LENGTH = 100
# Fields of a document the API leaves out: long, or not the visitor's business.
_API_OMITTED_FIELDS = ("body", "visibility")


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """The search page: a GET form, facets, active filters, sort options, hits, pagination."""
    form = SearchForm(request.GET)
    query: SearchQuery | None = None
    results: SearchResults | None = None
    error: str | None = None
    if form.is_valid():
        query = form.to_query(visibility=search_visibility_for(request.user))
        results = search_run(query)
    else:
        error = form.error_message()
    context = {
        "form": form,
        "query": query,
        "results": results,
        "error": error,
        **search_page_links(request.path, query, results),
    }
    return render(request, "search/search_page.html", context, status=400 if error else 200)


@require_GET
def search_api(request: HttpRequest) -> JsonResponse:
    """Search as JSON: total, page, page_count, engine, degraded, hits and facets;
    `{"error": "..."}` with status 400 for parameters that make no search."""
    try:
        query = query_from_params(request.GET, visibility=search_visibility_for(request.user))
    except InvalidSearch as error:
        return JsonResponse({"error": str(error)}, status=400)
    results = search_run(query)
    return JsonResponse(
        {
            "total": results.total,
            "page": query.page,
            "page_count": results.page_count,
            "engine": results.engine,
            "degraded": results.degraded,
            "hits": [_hit_json(hit) for hit in results.hits],
            "facets": {
                name: [
                    {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                    for v in values
                ]
                for name, values in results.facets.items()
            },
        }
    )


@require_GET
def suggest_api(request: HttpRequest) -> JsonResponse:
    """Titles for autocomplete: `?q=<prefix>` (and optional `limit`, 1 to 20) gives
    `{"q", "engine", "degraded", "suggestions": [{"id", "title", "url", "kind", "kind_label"}]}`.
    Public documents only, so that the answer can be cached for everyone."""
    prefix = request.GET.get("q", "")[:MAX_SUGGEST_LENGTH].strip()
    try:
        limit = int(request.GET.get("limit", DEFAULT_SUGGESTIONS))
    except ValueError:
        return JsonResponse({"error": _("limit must be a whole number.")}, status=400)
    if not 1 <= limit <= MAX_SUGGESTIONS:
        return JsonResponse(
            {"error": _("limit must be between 1 and %(max)d.") % {"max": MAX_SUGGESTIONS}},
            status=400,
        )
    documents, engine, degraded = search_suggest(prefix, limit=limit) if prefix else ([], "", False)
    response = JsonResponse(
        {
            "q": prefix,
            "engine": engine or get_engine().name,
            "degraded": degraded,
            "suggestions": [
                {
                    "id": doc.id,
                    "title": doc.title,
                    "url": doc.url,
                    "kind": doc.kind,
                    "kind_label": kind_label(doc.kind),
                }
                for doc in documents
            ],
        }
    )
    patch_cache_control(response, public=True, max_age=60)
    return response


def _hit_json(hit) -> dict:
    data = hit.document.to_dict()
    for name in _API_OMITTED_FIELDS:
        data.pop(name, None)
    return {**data, "kind_label": kind_label(hit.document.kind), "highlights": hit.highlights}


def search_page_links(path: str, query: SearchQuery | None, results: SearchResults | None) -> dict:
    """The page's navigation: facets with toggle URLs, active filters, clear URL, sort options,
    pagination and hits. Empty (but present) when the parameters were invalid."""
    if query is None or results is None:
        return {
            "facets": [],
            "active_filters": [],
            "clear_url": path,
            "pagination": None,
            "sort_options": [],
            "hits": [],
        }
    links = _SearchLinks(path, query)
    facets = []
    active_filters = []
    for facet in FACETS:
        values = results.facets.get(facet.name, [])
        if values:
            facets.append(
                {
                    "name": facet.name,
                    "label": facet.label,
                    "param": facet.param,
                    "values": [
                        {
                            "value": v.value,
                            "label": v.label or v.value,
                            "count": v.count,
                            "selected": v.selected,
                            "toggle_url": links.toggle(facet.name, v.value),
                        }
                        for v in values
                    ],
                }
            )
        labels = {v.value: v.label or v.value for v in values}
        for value in query.selections.get(facet.name, ()):
            active_filters.append(
                {
                    "facet_label": facet.label,
                    "label": labels.get(value, value),
                    "remove_url": links.toggle(facet.name, value),
                }
            )
    page_count = results.page_count
    return {
        "facets": facets,
        "active_filters": active_filters,
        "clear_url": links.url(selections={}),
        "pagination": {
            "page": query.page,
            "page_count": page_count,
            "previous_url": links.url(page=query.page - 1) if query.page > 1 else None,
            "next_url": links.url(page=query.page + 1) if query.page < page_count else None,
        },
        "sort_options": [
            {
                "value": value,
                "label": label,
                "url": links.url(sort=value),
                "selected": value == query.sort,
            }
            for value, label in SORT_LABELS.items()
        ],
        "hits": [
            {
                "document": hit.document,
                "highlights": hit.highlights,
                "kind_label": kind_label(hit.document.kind),
            }
            for hit in results.hits
        ],
    }


class _SearchLinks:
    """URLs for variations of one search, in a canonical parameter order."""

    def __init__(self, path: str, query: SearchQuery) -> None:
        self.path = path
        self.query = query

    def toggle(self, facet_name: str, value: str) -> str:
        """This search with `value` added to or removed from the facet, back on page 1."""
        selections = {name: list(values) for name, values in self.query.selections.items()}
        current = selections.setdefault(facet_name, [])
        if value in current:
            current.remove(value)
        else:
            current.append(value)
        return self.url(selections=selections)

    def url(
        self,
        *,
        selections: Mapping[str, Sequence[str]] | None = None,
        sort: str | None = None,
        page: int = 1,
    ) -> str:
        """This search with other selections, sort or page (page 1 unless given)."""
        chosen = self.query.selections if selections is None else selections
        sort = self.query.sort if sort is None else sort
        params: list[tuple[str, str | int]] = []
        if self.query.text:
            params.append(("q", self.query.text))
        for facet in FACETS:
            params += [(facet.param, value) for value in chosen.get(facet.name, ())]
        if sort != Sort.RELEVANCE:
            params.append(("sort", sort))
        if page > 1:
            params.append(("page", page))
        return f"{self.path}?{urlencode(params)}" if params else self.path
