"""Template context shared by every public page."""

from django.utils.translation import pgettext_lazy

from portal.languages import reader_language_path
from portal.models import NavigationSettings

DEFAULT_HEADER_LINKS = [
    (pgettext_lazy("noun: the search page", "Search"), "/search/"),
]


def navigation(request):
    """Header links from the navigation settings, or sensible defaults on an empty site."""
    if request is None or request.path.startswith(("/admin/", "/django-admin/")):
        return {}
    links = []
    try:
        nav = NavigationSettings.for_request(request)
    except Exception:  # no Site matches this host yet (a fresh database)
        nav = None
    if nav is not None:
        for block in nav.header_links:
            value = block.value
            url = value["page"].url if value["page"] else value["url"]
            if url:
                links.append((value.reader_label(), url))
    if not links:
        links = [(str(label), url) for label, url in DEFAULT_HEADER_LINKS]
    # links typed as site paths ("/cases/") lead to the reader's language version
    links = [(label, reader_language_path(url)) for label, url in links]
    return {
        "header_links": [
            {"label": label, "url": url, "current": _is_current(request.path, url)}
            for label, url in links
        ]
    }


def _is_current(path: str, url: str) -> bool:
    if url.rstrip("/").count("/") <= 1:  # the home page: "/" or "/fi/"
        return path == url
    return path.startswith(url)
