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
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.languages import reader_language_path
from search.engines import get_engine
from search.facets import FACETS
from search.forms import (
    MAX_YEAR,
    MIN_YEAR,
    SORT_LABELS,
    InvalidSearch,
    SearchForm,
    query_from_params,
    spelling_wanted,
)
from search.query import FacetValue, SearchQuery, SearchResults, Sort
from search.refinements import Refinement, combined, facet_refinements, refined_query
from search.selectors import kind_label, search_run, search_suggest, search_visibility_for

DEFAULT_SUGGESTIONS = 8
MAX_SUGGESTIONS = 20
MAX_SUGGEST_LENGTH = 100
# Fields of a document the API leaves out: long, or not the visitor's business.
_API_OMITTED_FIELDS = ("body", "visibility", "hidden_for")


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """The search page: a GET form, facets, active filters, sort options, hits, pagination."""
    form = SearchForm(request.GET)
    correct = spelling_wanted(request.GET)  # unless `exact=1`: answer a typo by its correction
    query: SearchQuery | None = None
    results: SearchResults | None = None
    error: str | None = None
    if form.is_valid():
        query = form.to_query(visibility=search_visibility_for(request.user))
        results = search_run(query, correct_spelling=correct)
    else:
        error = form.error_message()
    context = {
        "form": form,
        "query": query,
        "results": results,
        "error": error,
        **search_page_links(request.path, query, results, exact=not correct),
        **search_page_refinements(request.path, query, exact=not correct),
    }
    return render(request, "search/search_page.html", context, status=400 if error else 200)


@require_GET
def search_api(request: HttpRequest) -> JsonResponse:
    """Search as JSON: total, page, page_count, engine, degraded, hits, facets and refinements
    (the filters the words name: facet, value, label, the words and the text `q` left once it
    is applied); `{"error": "..."}` with status 400 for parameters that make no search.

    Spelling: `q` is the text the results answer; `corrected_from` the text as typed when it
    matched nothing and `q` is its correction; `did_you_mean` a correction that would find
    something too (both "" otherwise); `any_word` when no document held all the words and
    the hits hold some of them. `exact=1` answers the text as typed. `too_slow`: the search
    passed its time limit and answers nothing."""
    try:
        query = query_from_params(request.GET, visibility=search_visibility_for(request.user))
    except InvalidSearch as error:
        return JsonResponse({"error": str(error)}, status=400)
    results = search_run(query, correct_spelling=spelling_wanted(request.GET))
    return JsonResponse(
        {
            "q": results.query.text,
            "corrected_from": results.corrected_from,
            "did_you_mean": results.did_you_mean,
            "total": results.total,
            "page": query.page,
            "page_count": results.page_count,
            "engine": results.engine,
            "degraded": results.degraded,
            "too_slow": results.too_slow,
            "any_word": results.query.any_word,
            "hits": [_hit_json(hit) for hit in results.hits],
            "facets": {
                name: [
                    {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                    for v in values
                ]
                for name, values in results.facets.items()
            },
            "refinements": [
                {
                    "facet": refinement.facet,
                    "value": refinement.value,
                    "label": refinement.label,
                    "words": refinement.words,
                    "q": refined_query(query, [refinement]).text,
                }
                for refinement in facet_refinements(
                    query, language=translation.get_language() or ""
                )
            ],
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
                    "url": reader_language_path(doc.url),
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
    data["url"] = reader_language_path(data["url"])  # in the reader's language frame
    return {**data, "kind_label": kind_label(hit.document.kind), "highlights": hit.highlights}


def search_page_links(
    path: str, query: SearchQuery | None, results: SearchResults | None, *, exact: bool = False
) -> dict:
    """The page's navigation: facets with toggle URLs, active filters, clear URL, sort options,
    pagination, hits and `spelling` (see `_spelling_links`). Empty (but present) when the
    parameters were invalid. With `exact` (the URL's `exact=1`), every link keeps it.

    Each facet also comes split for display: `top` (the first FACET_VISIBLE_VALUES values and
    any selected one) and `more` (the rest, behind "Show all"), `more` being empty for a short
    facet; the year facet carries its `range` form (see `_year_range`)."""
    if query is None or results is None:
        return {
            "facets": [],
            "active_filters": [],
            "clear_url": path,
            "pagination": None,
            "sort_options": [],
            "hits": [],
            "spelling": None,
        }
    links = _SearchLinks(path, query, exact=exact)
    facets = []
    active_filters = []
    for facet in FACETS:
        values = results.facets.get(facet.name, [])
        ranged = facet.ranged and (query.year_from is not None or query.year_to is not None)
        if values or ranged:
            shown = [
                {
                    "value": v.value,
                    "label": v.label or v.value,
                    "count": v.count,
                    "selected": v.selected,
                    "toggle_url": links.toggle(facet.name, v.value),
                }
                for v in values
            ]
            facets.append(
                {
                    "name": facet.name,
                    "label": facet.label,
                    "param": facet.param,
                    "values": shown,
                    **_split_values(shown),
                    "range": _year_range(links, values) if facet.ranged else None,
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
        if ranged:
            active_filters.append(
                {
                    "facet_label": facet.label,
                    "label": _year_range_label(query.year_from, query.year_to),
                    "remove_url": links.url(years=(None, None)),
                }
            )
    page_count = results.page_count
    return {
        "facets": facets,
        "active_filters": active_filters,
        "clear_url": links.url(selections={}, years=(None, None)),
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
        "spelling": _spelling_links(links, results),
    }


def _spelling_links(links: _SearchLinks, results: SearchResults) -> dict | None:
    """What the page says about spelling, with its link: the results answer a correction
    (`text`, `corrected_from` and `search_instead_url`, the words as typed with `exact=1`), or
    a correction would find something too (`did_you_mean` and `did_you_mean_url`); None when
    neither."""
    if results.corrected_from:
        return {
            "text": results.query.text,
            "corrected_from": results.corrected_from,
            "search_instead_url": links.url(exact=True),
        }
    if results.did_you_mean:
        return {
            "did_you_mean": results.did_you_mean,
            "did_you_mean_url": links.url(text=results.did_you_mean, exact=False),
        }
    return None


def search_page_refinements(path: str, query: SearchQuery | None, *, exact: bool = False) -> dict:
    """The filters the query's words name (see search.refinements), each with the URL that
    selects it and takes its words out of the text; `refinements_all_url` applies all that can
    go together, when there are two or more. With `exact`, the URLs keep it."""
    if query is None:
        return {"refinements": [], "refinements_all_url": None}
    refinements = facet_refinements(query, language=translation.get_language() or "")
    together = combined(refinements)

    def url(applied: list[Refinement]) -> str:
        return _SearchLinks(path, refined_query(query, applied), exact=exact).url()

    return {
        "refinements": [
            {
                "facet": refinement.facet,
                "facet_label": refinement.facet_label,
                "value": refinement.value,
                "label": refinement.label,
                "words": refinement.words,
                "url": url([refinement]),
            }
            for refinement in refinements
        ],
        "refinements_all_url": url(together) if len(together) > 1 else None,
    }


# A facet lists its first values and folds the rest behind "Show all"; a facet only one or two
# values longer is shown whole (a control to reveal one value costs more than the value).
FACET_VISIBLE_VALUES = 8
FACET_FOLD_MIN_HIDDEN = 3


def _split_values(values: list[dict]) -> dict[str, list[dict]]:
    """`top` and `more` of a facet's values; a selected value always stays in `top`."""
    if len(values) < FACET_VISIBLE_VALUES + FACET_FOLD_MIN_HIDDEN:
        return {"top": values, "more": []}
    rest = values[FACET_VISIBLE_VALUES:]
    return {
        "top": values[:FACET_VISIBLE_VALUES] + [v for v in rest if v["selected"]],
        "more": [v for v in rest if not v["selected"]],
    }


def _year_range(links: _SearchLinks, values: Sequence[FacetValue]) -> dict:
    """What the year range form needs: the bounds in force, the years the list spans, and the
    search's other parameters (kept as hidden fields; a new range starts on page 1)."""
    years = sorted(int(v.value) for v in values if v.value.isdigit())
    query = links.query
    return {
        "year_from": query.year_from,
        "year_to": query.year_to,
        "earliest": years[0] if years else None,
        "latest": years[-1] if years else None,
        "min": MIN_YEAR,
        "max": MAX_YEAR,
        "action": links.path,
        "params": links.params(years=(None, None)),
    }


def _year_range_label(year_from: int | None, year_to: int | None) -> str:
    if year_from is not None and year_to is not None:
        if year_from == year_to:
            return str(year_from)
        return _("%(year_from)d–%(year_to)d") % {"year_from": year_from, "year_to": year_to}
    if year_from is not None:
        return _("%(year)d or later") % {"year": year_from}
    return _("%(year)d or earlier") % {"year": year_to}


class _SearchLinks:
    """URLs for variations of one search, in a canonical parameter order."""

    def __init__(self, path: str, query: SearchQuery, *, exact: bool = False) -> None:
        self.path = path
        self.query = query
        self.exact = exact  # the words as typed, not their spelling correction (`exact=1`)

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
        years: tuple[int | None, int | None] | None = None,
        sort: str | None = None,
        page: int = 1,
        text: str | None = None,
        exact: bool | None = None,
    ) -> str:
        """This search with other selections, year range, sort, page (page 1 unless given),
        text or `exact`."""
        params = self.params(
            selections=selections, years=years, sort=sort, page=page, text=text, exact=exact
        )
        return f"{self.path}?{urlencode(params)}" if params else self.path

    def params(
        self,
        *,
        selections: Mapping[str, Sequence[str]] | None = None,
        years: tuple[int | None, int | None] | None = None,
        sort: str | None = None,
        page: int = 1,
        text: str | None = None,
        exact: bool | None = None,
    ) -> list[tuple[str, str | int]]:
        """The URL parameters of `url` (same arguments), in their canonical order."""
        chosen = self.query.selections if selections is None else selections
        year_from, year_to = (self.query.year_from, self.query.year_to) if years is None else years
        sort = self.query.sort if sort is None else sort
        text = self.query.text if text is None else text
        exact = self.exact if exact is None else exact
        params: list[tuple[str, str | int]] = []
        if text:
            params.append(("q", text))
            if exact:
                params.append(("exact", "1"))
        for facet in FACETS:
            params += [(facet.param, value) for value in chosen.get(facet.name, ())]
        if year_from is not None:
            params.append(("year_from", year_from))
        if year_to is not None:
            params.append(("year_to", year_to))
        if sort != Sort.RELEVANCE:
            params.append(("sort", sort))
        if page > 1:
            params.append(("page", page))
        return params
