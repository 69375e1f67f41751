"""Sitemaps: one per language (`/fi/sitemap.xml`…) and an index of them at `/sitemap.xml`.

A language's sitemap lists the pages written or translated in it, each with its `hreflang`
alternates, and the site's own views (search, the network directory, participatory budgets). A
page that has no version in a language is not listed for it: the original, shown there with a
notice, is the same text.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control

from wagtail.models import Page

from budgeting.processes.selectors import process_list
from portal.languages import page_url, reader_language_path, site_languages

# The listings that are not Wagtail pages: URL names of views every reader can open.
VIEW_URL_NAMES = ["search:page", "network:directory", "budgeting:index"]


@cache_control(max_age=3600, public=True)
def sitemap_index(request):
    """`/sitemap.xml`: where each language's sitemap is."""
    urls = []
    for code in site_languages():
        with translation.override(code):
            urls.append(request.build_absolute_uri(reverse("sitemap")))
    body = render_to_string("portal/sitemap_index.xml", {"sitemaps": urls})
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@cache_control(max_age=3600, public=True)
def sitemap_for_language(request):
    """`/<language>/sitemap.xml`: the pages and listings of the language in the address."""
    language = translation.get_language()
    pages = list(_pages_in(language))
    versions = _versions_by_key(pages)
    entries = [_page_entry(request, page, versions[page.translation_key]) for page in pages]
    for name in VIEW_URL_NAMES:
        entries.append(_view_entry(request, reverse(name)))
    for process in process_list():
        entries.append(_view_entry(request, process.get_absolute_url()))
    body = render_to_string("portal/sitemap.xml", {"entries": entries})
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


def _pages_in(language: str):
    return (
        Page.objects.live()
        .public()
        .filter(locale__language_code=language, depth__gt=1)
        .select_related("locale")
        .order_by("path")
    )


def _versions_by_key(pages: list[Page]) -> dict:
    """Every live version of `pages`, by translation key: one query for the whole sitemap."""
    keys = {page.translation_key for page in pages}
    versions: dict = {key: [] for key in keys}
    others = Page.objects.live().filter(translation_key__in=keys).select_related("locale")
    for other in others.order_by("locale__language_code"):
        versions[other.translation_key].append(other)
    return versions


def _page_entry(request, page: Page, versions: list[Page]) -> dict:
    alternates = [
        {"language": other.locale.language_code, "url": page_url(other, request, full=True)}
        for other in versions
    ]
    return {
        "url": page_url(page, request, full=True),
        "lastmod": page.last_published_at,
        "alternates": alternates if len(alternates) > 1 else [],
    }


def _view_entry(request, path: str) -> dict:
    alternates = []
    for code in site_languages():
        url = request.build_absolute_uri(reader_language_path(path, code))
        alternates.append({"language": code, "url": url})
    return {"url": request.build_absolute_uri(path), "lastmod": None, "alternates": alternates}
