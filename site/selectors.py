"""Reads for the site-wide pages, answered from the knowledge index.

The home page lists what every content area holds without importing the content apps: each kind
registered with `search.registry` shows up here as soon as its app lands.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from search.query import SearchQuery, Sort
from search.registry import kinds
from search.selectors import search_run

LATEST_PER_KIND = 3
UPCOMING_WORKSHOPS = 4


def home_overview(*, today: datetime.date | None = None) -> dict:
    """Counts per kind, the newest documents of each kind and the next workshops."""
    registered = kinds()
    totals = search_run(SearchQuery(page_size=1, with_highlights=False))
    counts_by_kind = {value.value: value.count for value in totals.facets.get("kind", [])}
    counts = [
        {
            "kind": kind,
            "label": registration.label_plural,
            "count": counts_by_kind.get(kind, 0),
            "url": reverse("search:page") + "?" + urlencode({"kind": kind}),
        }
        for kind, registration in registered.items()
    ]
    latest = []
    for kind, registration in registered.items():
        if not counts_by_kind.get(kind) or kind == "workshop":
            continue
        results = search_run(
            SearchQuery(
                kinds=(kind,),
                sort=Sort.NEWEST,
                page_size=LATEST_PER_KIND,
                with_facets=False,
                with_highlights=False,
            )
        )
        latest.append(
            {
                "kind": kind,
                "label": registration.label_plural,
                "url": reverse("search:page") + "?" + urlencode({"kind": kind}),
                "documents": [hit.document for hit in results.hits],
            }
        )
    upcoming = []
    if counts_by_kind.get("workshop"):
        results = search_run(
            SearchQuery(
                kinds=("workshop",),
                date_from=today or timezone.localdate(),
                sort=Sort.OLDEST,
                page_size=UPCOMING_WORKSHOPS,
                with_facets=False,
                with_highlights=False,
            )
        )
        upcoming = [hit.document for hit in results.hits]
    return {"counts": counts, "latest": latest, "upcoming_workshops": upcoming}
