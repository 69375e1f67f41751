"""What the knowledge index looks like right now: the engine and whether it answers, documents
per kind, and the outbox of changes waiting for it. Read by `manage.py search_index status` and
the admin's *Settings > Search index* page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings

from search import registry
from search.documents import Visibility
from search.engines.base import SearchEngine, SearchEngineError
from search.outbox import outbox_next_retry, outbox_rebuild_running, outbox_status
from search.query import SearchQuery


@dataclass(frozen=True)
class IndexStatus:
    engine: str
    location: str  # SEARCH_URL without credentials
    error: str = ""  # why the engine did not answer; "" when it did
    documents: int | None = None
    per_kind: dict[str, int] = field(default_factory=dict)
    backlog: int = 0
    oldest: datetime.datetime | None = None
    next_retry: datetime.datetime | None = None
    rebuild_running: bool = False

    @property
    def answers(self) -> bool:
        return not self.error


def search_location() -> str:
    """SEARCH_URL as it can be shown: no user name or password."""
    url = getattr(settings, "SEARCH_URL", "") or "database"
    parts = urlsplit(url)
    if not parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def index_status(engine: SearchEngine) -> IndexStatus:
    """The engine's documents (total and per kind, from the kind facet, which every engine
    counts) and the outbox; an engine that does not answer gives its error instead."""
    outbox = outbox_status()
    common = {
        "engine": engine.name,
        "location": search_location(),
        "backlog": outbox["backlog"],
        "oldest": outbox["oldest"],
        "next_retry": outbox_next_retry(),
        "rebuild_running": outbox_rebuild_running(),
    }
    try:
        documents = engine.count()
        results = engine.search(
            SearchQuery(
                visibility=(Visibility.PUBLIC, Visibility.MEMBERS),
                page_size=1,
                with_highlights=False,
            )
        )
    except SearchEngineError as error:
        return IndexStatus(error=str(error), **common)
    counts = {value.value: value.count for value in results.facets.get("kind", [])}
    per_kind = {kind: counts.get(kind, 0) for kind in sorted(set(counts) | set(registry.kinds()))}
    return IndexStatus(documents=documents, per_kind=per_kind, **common)
