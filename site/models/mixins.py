"""Behaviour shared by page models of several apps."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models


class PaginatedListingMixin:
    """An index page that lists a queryset page by page.

    Subclasses set `per_page` and `listing_context_name` and define `get_listing()`. The
    context gets the page's objects under that name, plus `paginator`, `page_obj` and the
    `pagination` links that `components/pagination.html` renders.
    """

    per_page: int = 24
    listing_context_name: str = "items"

    def get_listing(self) -> models.QuerySet:
        raise NotImplementedError

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.get_listing(), self.per_page)
        page_obj = paginator.get_page(request.GET.get("page"))
        context.update(
            paginator=paginator,
            page_obj=page_obj,
            pagination=pagination_links(request, page_obj),
            **{self.listing_context_name: page_obj.object_list},
        )
        return context


def pagination_links(request, page_obj) -> dict:
    def url(number: int) -> str:
        params = request.GET.copy()
        params["page"] = number
        return f"?{params.urlencode()}"

    return {
        "page": page_obj.number,
        "page_count": page_obj.paginator.num_pages,
        "previous_url": url(page_obj.previous_page_number()) if page_obj.has_previous() else None,
        "next_url": url(page_obj.next_page_number()) if page_obj.has_next() else None,
    }
