"""The search page template rendered with a hand-built context, for tests that need it in a browser.

The context has exactly the keys the search view provides (see templates/search/search_page.html),
so the template can be checked for accessibility before, and independently of, the search engine.
"""

import datetime
from types import SimpleNamespace

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path

from portal import urls as portal_urls
from search.documents import SearchDocument
from search.forms import SearchForm
from search.query import SearchQuery


def search_context(*, total=1, query="budget", degraded=False, error=None, selected=True):
    """A search page context as search.views.search_page builds it: two hits (when total > 0),
    two facets, one active filter."""
    document = SearchDocument(
        id="case:7",
        kind="case",
        url="/en/cases/budget/",
        title="Participatory budget",
        summary="Residents <chose> projects for their own neighbourhood.",
        date=datetime.date(2023, 3, 1),
    )
    tool = SearchDocument(
        id="tool:3",
        kind="tool",
        url="/en/toolkit/budget-game/",
        title="The budget game",
        summary="A card game that helps a team agree on priorities.",
    )
    hits = []
    if total:
        hits = [
            {
                "document": document,
                "highlights": {
                    "title": "Participatory <mark>budget</mark>",
                    "summary": "Residents chose projects with a <mark>budget</mark> of their own.",
                },
                "kind_label": "Case study",
            },
            {"document": tool, "highlights": {}, "kind_label": "Tool"},
        ]
    facets = [
        {
            "name": "kind",
            "label": "Type",
            "param": "kind",
            "values": [
                {
                    "value": "case",
                    "label": "Case studies",
                    "count": 1016,
                    "selected": False,
                    "toggle_url": "/en/search/?q=budget&country=fi&kind=case",
                },
                {
                    "value": "tool",
                    "label": "Toolkit",
                    "count": 154,
                    "selected": False,
                    "toggle_url": "/en/search/?q=budget&country=fi&kind=tool",
                },
            ],
        },
        {
            "name": "countries",
            "label": "Country",
            "param": "country",
            "values": [
                {
                    "value": "fi",
                    "label": "Finland",
                    "count": 12,
                    "selected": selected,
                    "toggle_url": "/en/search/?q=budget",
                },
                {
                    "value": "se",
                    "label": "Sweden",
                    "count": 3,
                    "selected": False,
                    "toggle_url": "/en/search/?q=budget&country=fi&country=se",
                },
            ],
        },
    ]
    active_filters = []
    if selected:
        active_filters = [
            {"facet_label": "Country", "label": "Finland", "remove_url": "/en/search/?q=budget"}
        ]
    pagination = None
    if total > 20:
        pagination = {
            "page": 1,
            "page_count": -(-total // 20),
            "previous_url": None,
            "next_url": f"/en/search/?q={query}&page=2",
        }
    form = SearchForm({"q": query})
    form.is_valid()
    return {
        "form": form,
        "query": SearchQuery(text=query),
        "results": SimpleNamespace(total=total, degraded=degraded, engine="database"),
        "error": error,
        "facets": facets,
        "active_filters": active_filters,
        "clear_url": f"/en/search/?q={query}",
        "pagination": pagination,
        "sort_options": [
            {
                "value": "relevance",
                "label": "Relevance",
                "url": f"/en/search/?q={query}",
                "selected": True,
            },
            {
                "value": "newest",
                "label": "Newest",
                "url": f"/en/search/?q={query}&sort=newest",
                "selected": False,
            },
            {
                "value": "title",
                "label": "Title",
                "url": f"/en/search/?q={query}&sort=title",
                "selected": False,
            },
        ],
        "hits": hits,
    }


SCENARIOS = {
    "results": lambda: search_context(total=1016),
    "empty": lambda: search_context(total=0, query="bugdet"),
    "degraded": lambda: search_context(total=2, degraded=True, selected=False),
    "error": lambda: search_context(total=0, error="The search could not be run. Try again."),
}


def search_preview(request, scenario):
    if scenario not in SCENARIOS:
        raise Http404(scenario)
    return TemplateResponse(request, "search/search_page.html", SCENARIOS[scenario]())


# The site's URLconf plus the preview (use with @pytest.mark.urls("tests.browser.search_preview")).
urlpatterns = [
    path("__preview__/search/<slug:scenario>/", search_preview),
    *portal_urls.urlpatterns,
]
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500
