"""Choosing the search engine from the SEARCH_URL setting."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from search.engines.base import SearchEngine, SearchEngineError

__all__ = ["SearchEngine", "SearchEngineError", "get_engine", "get_database_engine"]


def get_engine() -> SearchEngine:
    """The engine SEARCH_URL names: "database" (the default), or later
    elasticsearch://host:9200/<index> and opensearch://host:9200/<index>."""
    return _engine_for_url(getattr(settings, "SEARCH_URL", "") or "database")


def get_database_engine() -> SearchEngine:
    """The database engine, which answers when a distributed engine cannot."""
    return _engine_for_url("database")


@cache
def _engine_for_url(url: str) -> SearchEngine:
    # Engines hold no per-request state, so one instance per URL is enough.
    scheme = urlsplit(url).scheme or url
    if scheme in {"database", "db"}:
        from search.engines.database import DatabaseEngine

        return DatabaseEngine()
    if scheme in {"elasticsearch", "opensearch"}:
        raise ImproperlyConfigured(
            f"SEARCH_URL={url!r}: the {scheme} engine is not available yet (issue 7). "
            "Use SEARCH_URL=database."
        )
    raise ImproperlyConfigured(
        f"SEARCH_URL={url!r} names no search engine; use 'database' "
        "(or, later, elasticsearch://host:9200/index or opensearch://host:9200/index)."
    )
