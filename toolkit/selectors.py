"""Reads of the toolkit: what the navigator ranks, the names its questions show, and the
resources a member saved."""

from __future__ import annotations

from django.http import HttpRequest

from portal.models.taxonomy import Stage
from search.documents import SearchDocument
from search.query import SearchQuery, Sort
from search.selectors import search_run, search_visibility_for
from toolkit.models import ResourceBookmark
from toolkit.search import KIND

# The navigator ranks every resource; beyond this many it ranks the first by title.
NAVIGATOR_MAX_RESOURCES = 2000


def navigator_resources(request: HttpRequest | None = None) -> list[SearchDocument]:
    """Every resource the visitor may see, as knowledge-index documents (one search)."""
    query = SearchQuery(
        kinds=(KIND,),
        visibility=search_visibility_for(getattr(request, "user", None)),
        sort=Sort.TITLE,
        page_size=NAVIGATOR_MAX_RESOURCES,
        with_facets=False,
        with_highlights=False,
    )
    return [hit.document for hit in search_run(query).hits]


def stage_names() -> dict[str, str]:
    """Lifecycle stages in lifecycle order: {key: name} (one query)."""
    return dict(Stage.objects.order_by("sort_order", "name").values_list("key", "name"))


def member_bookmarks(*, member) -> list[ResourceBookmark]:
    """The live resources `member` saved or marked used, the latest first (one query)."""
    return list(
        ResourceBookmark.objects.filter(member=member, resource__live=True)
        .select_related("resource")
        .order_by("-created_at", "-pk")
    )
