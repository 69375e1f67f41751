"""The case library's routes (see CaseIndexPage): listing, exports, comparison and codebook.

The listing and the exports read the same GET parameters through `search.forms` and run the
same `SearchQuery` (kinds=("case",)) on the knowledge index, so an export holds exactly the
cases the listing shows, in the same order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import exports
from cases.models.pages import CASES_PER_PAGE, CaseIndexPage
from cases.selectors import case_compare_rows, case_compare_table, cases_for_compare
from portal.charts import bar_chart
from portal.csv_export import csv_response
from search.forms import InvalidSearch, listing_query_from_params
from search.listing import Listing, listing_run
from search.query import SearchQuery, Sort
from search.selectors import search_visibility_for

KIND = "case"
SORTS = (Sort.RELEVANCE, Sort.NEWEST, Sort.YEAR)
# Facets of the library, in the order of the filter panel.
LIBRARY_FACETS = (
    "country",
    "government_level",
    "theme",
    "method",
    "stage",
    "innovation_type",
    "sdg",
    "status",
    "year",
    "experiment_outcome",
)
COUNTRY_CHART_SIZE = 20
COMPARE_MAX = 3


def library_query(request: HttpRequest, *, page_size: int = CASES_PER_PAGE) -> SearchQuery:
    """The library's search from the URL; raises InvalidSearch with a message."""
    return listing_query_from_params(
        request.GET,
        kind_label_plural=_("case studies"),
        facets=LIBRARY_FACETS,
        sorts=SORTS,
        kinds=(KIND,),
        visibility=search_visibility_for(request.user),
        page_size=page_size,
    )


def library_page(request: HttpRequest, index: CaseIndexPage) -> HttpResponse:
    """The faceted library: filters, sort, country overview, cards with a compare checkbox."""
    listing = listing_run(request, build_query=library_query, facet_names=LIBRARY_FACETS)
    context = index.get_context(request)
    context.update(
        listing.context(),
        sort_options=_sort_options(listing.links["sort_options"]),
        cards=[_card(hit, listing) for hit in listing.links["hits"]],
        country_overview=_country_overview(listing.facets),
        export_query=_export_query(request),
        compare_max=COMPARE_MAX,
    )
    return TemplateResponse(request, "cases/case_index_page.html", context, status=listing.status)


def export_response(request: HttpRequest, index: CaseIndexPage, fmt: str) -> HttpResponse:
    """The filtered library as CSV or JSON, every matching case (no page limit), streamed."""
    try:
        query = library_query(request, page_size=exports.EXPORT_BATCH_SIZE)
    except InvalidSearch as invalid:
        return HttpResponse(str(invalid), status=400, content_type="text/plain; charset=utf-8")
    rows = exports.export_rows(query=query, base_url=request.build_absolute_uri("/")[:-1])
    if fmt == "csv":
        names = [column.name for column in exports.COLUMNS]
        return csv_response(
            filename="kokeilu-cases.csv",
            header=names,
            rows=([exports.csv_value(row[name]) for name in names] for row in rows),
        )
    response = StreamingHttpResponse(
        _json_chunks(rows, codebook_url=request.build_absolute_uri(index.url + "codebook/")),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="kokeilu-cases.json"'
    return response


@require_GET
def export_at_path(request: HttpRequest, path: str, fmt: str) -> HttpResponse:
    """`<library path>export.csv|json` (see cases.urls): the export of the library at `path`."""
    library_path = request.path_info[: request.path_info.rindex("export.")]  # with its language
    for index in CaseIndexPage.objects.live().public():
        if index.get_url(request) == library_path:
            return export_response(request, index, fmt)
    raise Http404("No case library here.")


def compare_page(request: HttpRequest, index: CaseIndexPage) -> HttpResponse:
    """Up to three cases side by side, field by field; a message for what cannot be compared.
    Each case can be taken out of the comparison, and the comparison downloaded as CSV (plain
    links: no script needed)."""
    cases, messages = cases_for_compare(
        index=index, raw_ids=request.GET.getlist("case"), limit=COMPARE_MAX
    )
    compare_url = index.url + "compare/"
    table = case_compare_table(cases)
    context = index.get_context(request)
    context.update(
        cases=cases,
        columns=[
            {
                "case": case,
                "remove_url": (
                    compare_url + "?" + _case_query([c for c in cases if c is not case])
                    if len(cases) > 1
                    else index.url
                ),
            }
            for case in cases
        ],
        rows=table["rows"],
        only_in_one=table["only_in_one"],
        download_url=compare_url + "download/?" + _case_query(cases),
        messages_list=messages,
        compare_max=COMPARE_MAX,
        library_url=index.url,
    )
    return TemplateResponse(
        request,
        "cases/case_compare.html",
        context,
        status=400 if messages and not cases else 200,
    )


def compare_download(request: HttpRequest, index: CaseIndexPage) -> HttpResponse:
    """The comparison as a CSV file: a column per case, a row per field, the texts whole."""
    cases, _messages = cases_for_compare(
        index=index, raw_ids=request.GET.getlist("case"), limit=COMPARE_MAX
    )
    if not cases:
        return HttpResponse(
            _("Pick two or three cases in the library to compare them."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = [
        [_("Address"), *(request.build_absolute_uri(case.url) for case in cases)],
        *([str(row["label"]), *row["cells"]] for row in case_compare_rows(cases, words=None)),
    ]
    return csv_response(
        filename="kokeilu-case-comparison.csv",
        header=[_("Field"), *(case.title for case in cases)],
        rows=rows,
    )


def _case_query(cases: list) -> str:
    query = QueryDict(mutable=True)
    query.setlist("case", [str(case.pk) for case in cases])
    return query.urlencode()


def codebook_page(request: HttpRequest, index: CaseIndexPage) -> HttpResponse:
    """What every column of the exports means, and every vocabulary's keys and names."""
    context = index.get_context(request)
    context.update(
        columns=exports.COLUMNS,
        vocabularies=exports.codebook_vocabularies(),
        library_url=index.url,
    )
    return TemplateResponse(request, "cases/case_codebook.html", context)


def _sort_options(options: list[dict]) -> list[dict]:
    labels = {Sort.YEAR: _("Year launched, latest first")}
    return [
        {**option, "label": labels.get(option["value"], option["label"])}
        for option in options
        if option["value"] in SORTS
    ]


def _card(hit: dict, listing: Listing) -> dict:
    document = hit["document"]
    return {
        **hit,
        "pk": document.id.split(":", 1)[1],
        "countries": listing.names("country", document.countries),
        "status": listing.names("status", [document.status] if document.status else []),
        "outcomes": listing.names(
            "experiment_outcome",
            [v for v in document.experiment_outcomes if v.startswith("hypothesis-")],
        ),
    }


def _country_overview(facets: list[dict]) -> dict | None:
    """Counts per country: a bar chart of the top countries, a table of all of them."""
    countries = next((facet["values"] for facet in facets if facet["name"] == "country"), [])
    if not countries:
        return None

    def rows(values: list[dict]) -> list[dict]:
        # a bar or a row filters the list and lands on its results, as a facet value does
        return [
            {**value, "value": value["count"], "url": f"{value['toggle_url']}#results"}
            for value in values
        ]

    ranked = sorted(countries, key=lambda v: (-v["count"], v["label"]))
    chart = bar_chart(
        rows=rows(ranked),
        limit=COUNTRY_CHART_SIZE,
        table_rows=rows(sorted(countries, key=lambda v: v["label"])),
    )
    return {"chart": chart, "count": len(countries)}


def _export_query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _json_chunks(rows: Iterator[dict], *, codebook_url: str) -> Iterator[str]:
    yield '{"codebook": ' + json.dumps(codebook_url) + ', "cases": ['
    for number, row in enumerate(rows):
        yield ("," if number else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"
