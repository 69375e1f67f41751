"""Choosing the search engine from the SEARCH_URL setting."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from search.engines.base import SearchEngine, SearchEngineError

__all__ = ["SearchEngine", "SearchEngineError", "get_engine", "get_database_engine"]


def get_engine() -> SearchEngine:
    """The engine SEARCH_URL names: "database" (the default), elasticsearch://host:9200/<index>
    or opensearch://host:9200/<index> (credentials and TLS options: search.engines.distributed)."""
    return _engine_for_url(getattr(settings, "SEARCH_URL", "") or "database")


def get_database_engine() -> SearchEngine:
    """The database engine, which answers when a distributed engine cannot."""
    return _engine_for_url("database")


@cache
def _engine_for_url(url: str) -> SearchEngine:
    # Engines hold no per-request state, so one instance (and connection pool) per URL.
    scheme = urlsplit(url).scheme or url
    if scheme in {"database", "db"}:
        from search.engines.database import DatabaseEngine

        return DatabaseEngine()
    if scheme == "opensearch":
        from search.engines.distributed import EngineURL
        from search.engines.opensearch import OpenSearchEngine

        return OpenSearchEngine(EngineURL.parse(url))
    if scheme == "elasticsearch":
        from search.engines.distributed import EngineURL
        from search.engines.elasticsearch import ElasticsearchEngine

        return ElasticsearchEngine(EngineURL.parse(url))
    raise ImproperlyConfigured(
        f"SEARCH_URL={url.split('@')[-1]!r} names no search engine; use 'database', "
        "elasticsearch://host:9200/<index> or opensearch://host:9200/<index>."
    )
