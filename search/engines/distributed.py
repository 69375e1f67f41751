"""What the Elasticsearch and OpenSearch engines share: the URL, the index life cycle (alias,
rebuild into a new index and swap), bulk writes, and every search through `bodies`.

Subclasses only say how to talk to their cluster (the `_transport_*` methods) and turn their
client's exceptions into SearchEngineError.

SEARCH_URL forms (the path names the alias searches use; concrete indices are `<alias>-<time>`):

    opensearch://localhost:9200/kokeilu
    opensearch://user:secret@search1:9200,search2:9200/kokeilu?tls=true&ca_certs=/etc/ca.pem
    elasticsearch://elastic:secret@es.example.org:443/kokeilu?tls=true&verify_certs=true

Options: `tls` (https; default false), `verify_certs` (default true with tls), `ca_certs` (a CA
bundle file), `timeout` (seconds per search, default SEARCH_TIMEOUT), `bulk_timeout` (seconds
per bulk write or index change, default 120), `shards`, `replicas`,
`languages` (the document languages searched by stem, default `en,fi,sv`; osmem-server 0.1.6
turns Finnish-stemmed queries into a term that matches everything, so development and test URLs
for osmem say `languages=en,sv`).

Elasticsearch only: `api_compatibility`, the REST API version the client asks for in its media
types. The elasticsearch 9 client sends `application/vnd.elasticsearch+json; compatible-with=9`,
which an Elasticsearch 8 cluster refuses: say `api_compatibility=8` there. `none` sends plain
`application/json`, which every Elasticsearch answers with its own version and which
OpenSearch-compatible servers (osmem-server in the tests) accept.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import batched
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import Truncator

from search.documents import SearchDocument
from search.engines import bodies
from search.engines.base import DocumentsRejected, SearchEngine, SearchEngineError
from search.query import SearchQuery, SearchResults

logger = logging.getLogger(__name__)

BULK_BATCH_SIZE = 500
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class EngineURL:
    """A parsed SEARCH_URL of a distributed engine."""

    scheme: str
    hosts: tuple[str, ...]  # "http(s)://host:port"
    index: str
    username: str = ""
    password: str = field(default="", repr=False)
    verify_certs: bool = True
    ca_certs: str = ""
    timeout: float = 5.0
    bulk_timeout: float = 120.0  # bulk writes and index changes (drains, rebuilds)
    shards: int = 1
    replicas: int = 0
    languages: tuple[str, ...] = bodies.LANGUAGES
    api_compatibility: str = ""  # "" (the client's own), a major version, or "none"

    @classmethod
    def parse(cls, url: str) -> EngineURL:
        """Read a SEARCH_URL (see the module doc); ImproperlyConfigured says what is wrong."""
        parts = urlsplit(url)
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        # checked in this order, so that a URL with several mistakes names the first
        hosts = _hosts(parts, tls=_flag(options, "tls", default=False, url=url), url=url)
        index = _index(parts, url=url)
        languages = _languages(options, url=url)
        timeout, bulk_timeout, shards, replicas = _numbers(options, url=url)
        api_compatibility = _api_compatibility(options, scheme=parts.scheme, url=url)
        return cls(
            scheme=parts.scheme,
            hosts=hosts,
            index=index,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            verify_certs=_flag(options, "verify_certs", default=True, url=url),
            ca_certs=options.get("ca_certs", ""),
            timeout=timeout,
            bulk_timeout=bulk_timeout,
            shards=shards,
            replicas=replicas,
            languages=languages,
            api_compatibility=api_compatibility,
        )


def _hosts(parts: SplitResult, *, tls: bool, url: str) -> tuple[str, ...]:
    netloc = parts.netloc.rpartition("@")[2]
    if not netloc:
        raise ImproperlyConfigured(f"SEARCH_URL={_redacted(url)!r} names no host.")
    return tuple(
        f"{'https' if tls else 'http'}://{host if ':' in host else f'{host}:9200'}"
        for host in netloc.split(",")
    )


def _index(parts: SplitResult, *, url: str) -> str:
    index = parts.path.strip("/") or "kokeilu"
    if "/" in index or index != index.lower() or index.startswith(("-", "_", ".")):
        raise ImproperlyConfigured(
            f"SEARCH_URL={_redacted(url)!r}: the index name {index!r} must be one lower-case "
            "word (letters, digits, - or _, not first)."
        )
    return index


def _languages(options: dict[str, str], *, url: str) -> tuple[str, ...]:
    languages = tuple(
        code for code in options.get("languages", ",".join(bodies.LANGUAGES)).split(",") if code
    )
    unknown = set(languages) - set(bodies.LANGUAGE_ANALYZERS)
    if unknown:
        raise ImproperlyConfigured(
            f"SEARCH_URL={_redacted(url)!r}: no analyzer for {', '.join(sorted(unknown))} "
            f"(languages: {', '.join(bodies.LANGUAGE_ANALYZERS)})."
        )
    return languages


def _numbers(options: dict[str, str], *, url: str) -> tuple[float, float, int, int]:
    """timeout, bulk_timeout, shards and replicas."""
    try:
        timeout = float(options.get("timeout", getattr(settings, "SEARCH_TIMEOUT", 5.0)))
        bulk_timeout = float(options.get("bulk_timeout", max(timeout, 120.0)))
        shards = int(options.get("shards", 1))
        replicas = int(options.get("replicas", 0))
    except ValueError as error:
        raise ImproperlyConfigured(f"SEARCH_URL={_redacted(url)!r}: {error}") from error
    return timeout, bulk_timeout, shards, replicas


def _api_compatibility(options: dict[str, str], *, scheme: str, url: str) -> str:
    api_compatibility = options.get("api_compatibility", "").lower()
    if api_compatibility and scheme != "elasticsearch":
        raise ImproperlyConfigured(
            f"SEARCH_URL={_redacted(url)!r}: api_compatibility is an Elasticsearch option."
        )
    if api_compatibility and not (api_compatibility == "none" or api_compatibility.isdigit()):
        raise ImproperlyConfigured(
            f"SEARCH_URL={_redacted(url)!r}: api_compatibility={api_compatibility!r} must be "
            "a major version (such as 8) or none."
        )
    return api_compatibility


def _flag(options: dict[str, str], name: str, *, default: bool, url: str) -> bool:
    value = options.get(name, "").lower()
    if not value:
        return default
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ImproperlyConfigured(f"SEARCH_URL={_redacted(url)!r}: {name}={value!r} is not a flag.")


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


class DistributedEngine(SearchEngine):
    """An Elasticsearch-like cluster holding the index behind an alias."""

    typo_tolerant = True

    def __init__(self, url: EngineURL) -> None:
        self.url = url
        self.alias = url.index

    # -- what a subclass provides ----------------------------------------------------------

    @abstractmethod
    def _errors(self):
        """A context manager turning the client's exceptions into SearchEngineError."""

    @abstractmethod
    def _transport_search(self, index: str, body: dict) -> dict: ...

    @abstractmethod
    def _transport_bulk(self, operations: list[dict], *, refresh: bool) -> dict: ...

    @abstractmethod
    def _transport_create_index(self, name: str, body: dict) -> None: ...

    @abstractmethod
    def _transport_aliased_indices(self) -> list[str]:
        """The indices behind the alias ([] when the alias does not exist)."""

    @abstractmethod
    def _transport_index_exists(self, name: str) -> bool: ...

    @abstractmethod
    def _transport_update_aliases(self, actions: list[dict]) -> None: ...

    @abstractmethod
    def _transport_delete_indices(self, names: list[str]) -> None: ...

    @abstractmethod
    def _transport_refresh(self, name: str) -> None: ...

    @abstractmethod
    def _transport_count(self) -> int: ...

    @abstractmethod
    def _transport_delete_all(self) -> None: ...

    @abstractmethod
    def _transport_get(self, doc_id: str) -> dict | None:
        """The stored source of one document, or None."""

    # -- the index life cycle --------------------------------------------------------------

    def ensure_index(self) -> bool:
        """Create the index and its alias when the cluster has none (a new or emptied
        cluster); return True when it did, so that the caller can send every document."""
        with self._errors():
            if self._transport_aliased_indices():
                return False
            if self._transport_index_exists(self.alias):
                raise SearchEngineError(
                    f"An index named {self.alias!r} exists where the alias should be (created by "
                    "a write before the alias existed?). Delete it, then run "
                    "`manage.py search_index rebuild`."
                )
            name = bodies.new_index_name(self.alias)
            self._transport_create_index(name, self._index_body())
            self._transport_update_aliases([{"add": {"index": name, "alias": self.alias}}])
        logger.warning("Created the search index %s (alias %s)", name, self.alias)
        return True

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Index `docs` into a new index, then point the alias at it in one atomic step and
        drop the old one: searches answer from the old index until the swap."""
        name = bodies.new_index_name(self.alias)
        with self._errors():
            self._transport_create_index(name, self._index_body())
            try:
                written = self._bulk_index(name, docs, refresh=False)
                self._transport_refresh(name)
                old = self._transport_aliased_indices()
                if not old and self._transport_index_exists(self.alias):
                    raise SearchEngineError(
                        f"An index named {self.alias!r} exists where the alias should be; "
                        "delete it and rebuild again."
                    )
                actions = [{"remove": {"index": index, "alias": self.alias}} for index in old]
                actions.append({"add": {"index": name, "alias": self.alias}})
                self._transport_update_aliases(actions)
            except Exception:
                self._transport_delete_indices([name])
                raise
            if old:
                self._transport_delete_indices(old)
        return written

    def _index_body(self) -> dict:
        return bodies.index_body(shards=self.url.shards, replicas=self.url.replicas)

    # -- writing ---------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents by id in bulk batches; visible to searches on return."""
        with self._errors():
            return self._bulk_index(self.alias, docs, refresh=True)

    def _bulk_index(self, index: str, docs: Iterable[SearchDocument], *, refresh: bool) -> int:
        written = 0
        rejected: list[str] = []
        reasons: list[str] = []
        for chunk in batched(docs, BULK_BATCH_SIZE):
            response = self._transport_bulk(
                bodies.bulk_operations(index, chunk, languages=self.url.languages), refresh=refresh
            )
            ok, failed, reason = _bulk_outcome(response)
            written += ok
            rejected += failed
            if reason:
                reasons.append(reason)
        if rejected:
            raise DocumentsRejected(rejected, reasons[0])
        return written

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; unknown ids are ignored. Return how many were removed."""
        removed = 0
        with self._errors():
            for chunk in batched(ids, BULK_BATCH_SIZE):
                response = self._transport_bulk(
                    bodies.bulk_operations(self.alias, deletes=chunk), refresh=True
                )
                removed += sum(
                    1
                    for item in response.get("items", [])
                    if item.get("delete", {}).get("result") == "deleted"
                )
        return removed

    def clear(self) -> None:
        """Remove every document (the index and its mappings stay)."""
        with self._errors():
            if not self._transport_aliased_indices():
                self.ensure_index()
                return
            self._transport_delete_all()

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        """How many documents the index holds."""
        with self._errors():
            return self._transport_count()

    def search(self, query: SearchQuery) -> SearchResults:
        """Hits, highlights, total and disjunctive facet counts (see search.engines.bodies)."""
        body = bodies.search_body(query, self.url.languages)
        with self._errors():
            response = self._transport_search(self.alias, body)
        return bodies.results_from_response(query, response, engine=self.name)

    def suggest(self, prefix: str, *, limit: int = 8) -> list[SearchDocument]:
        """Public documents with a title word starting with the last word of `prefix`, from
        the edge n-grams of `title.prefix`."""
        body = bodies.suggest_body(prefix, limit=limit)
        if body is None:
            return []
        with self._errors():
            response = self._transport_search(self.alias, body)
        return [bodies.document_from_source(hit["_source"]) for hit in response["hits"]["hits"]]

    def related(self, doc_id: str, *, limit: int = 6) -> list[SearchDocument]:
        """Public documents like `doc_id`: its explicit links first, in their order, then those
        sharing the most topical facet values with it, then shared title words."""
        if limit < 1:
            return []
        with self._errors():
            source = self._transport_get(doc_id)
            if source is None:
                return []
            links = [rid for rid in dict.fromkeys(source.get("related") or []) if rid != doc_id]
            explicit: dict[str, SearchDocument] = {}
            if links:
                response = self._transport_search(self.alias, bodies.explicit_related_body(links))
                explicit = {
                    hit["_id"]: bodies.document_from_source(hit["_source"])
                    for hit in response["hits"]["hits"]
                }
            chosen = [explicit[rid] for rid in links if rid in explicit][:limit]
            if len(chosen) < limit:
                response = self._transport_search(
                    self.alias,
                    bodies.related_body(
                        source=source,
                        doc_id=doc_id,
                        exclude=[doc.id for doc in chosen],
                    ),
                )
                chosen += [
                    bodies.document_from_source(hit["_source"])
                    for hit in response["hits"]["hits"][: limit - len(chosen)]
                ]
        return chosen

    # -- spelling ------------------------------------------------------------------------------

    def spelling(self, words: Sequence[str], *, language: str = "") -> dict[str, str]:
        """Corrections from the index's vocabulary: the term suggester of each text field, in
        one request (see search.engines.spelling)."""
        from search.engines import spelling

        checked = spelling.correctable(words, language)
        body = spelling.suggester_body(checked)
        if body is None:
            return {}
        with self._errors():
            response = self._transport_search(self.alias, body)
        return spelling.suggester_corrections(checked, response)


def _bulk_outcome(response: dict) -> tuple[int, list[str], str]:
    """(documents written, ids refused for good, first reason). A refusal the engine may
    take back later (overload, unavailable shard) fails the whole batch, so that it is
    retried."""
    written = 0
    rejected: list[str] = []
    reason = ""
    for item in response.get("items", []):
        action, outcome = next(iter(item.items()))
        status = int(outcome.get("status", 200))
        if status < 300:
            written += action == "index"
            continue
        if action == "delete" and status == 404:
            continue
        error = outcome.get("error") or {}
        message = error.get("reason", str(error)) if isinstance(error, dict) else str(error)
        if status == 429 or status >= 500:
            raise SearchEngineError(f"bulk write refused ({status}): {message}")
        rejected.append(outcome.get("_id", ""))
        reason = reason or message
    return written, rejected, reason


@contextmanager
def translated_errors(*exception_types: type[BaseException]) -> Iterator[None]:
    """Raise SearchEngineError for the given client exceptions (and socket errors)."""
    translated: tuple[type[BaseException], ...] = (*exception_types, OSError)
    try:
        yield
    except SearchEngineError:
        raise
    except translated as error:
        raise SearchEngineError(_describe(error)) from error


def _describe(error: BaseException) -> str:
    text = str(error) or error.__class__.__name__
    return Truncator(text).chars(501, truncate="…")
