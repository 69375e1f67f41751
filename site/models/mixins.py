"""Behaviour shared by page models of several apps."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404

from portal.languages import locale_language, reader_language_path


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


class ReaderLanguagePageMixin:
    """A page read in the reader's language, whichever language it was written in.

    Its links keep the reader's language prefix (`/fi/cases/x/` for a case written in English
    and read in Finnish), and a path under a translated page whose child has no translation in
    that language yet is served from the tree it was written in (the child is then shown with a
    notice; see `portal.languages`). Put it before `RoutablePageMixin` and `Page` in the bases.
    """

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)  # type: ignore[misc]
        if parts is None:
            return None
        site_id, root_url, page_path = parts
        return site_id, root_url, reader_language_path(page_path)

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)  # type: ignore[misc]
        except Http404:
            if not path_components:
                raise
        # the rest of the path may exist in the language(s) this page was translated from
        others = self.get_translations().live().specific()  # type: ignore[attr-defined]
        default_first = sorted(
            others, key=lambda page: locale_language(page.locale_id) != settings.LANGUAGE_CODE
        )
        for other in default_first:
            try:
                return super(ReaderLanguagePageMixin, other).route(request, path_components)
            except Http404:
                continue
        raise Http404
