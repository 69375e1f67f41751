"""The Elasticsearch engine, through elasticsearch.dsl
(SEARCH_URL=elasticsearch://host:9200/<index>).

Searches are `elasticsearch.dsl.Search` objects made from the shared bodies
(search.engines.bodies), so that they are exactly what the OpenSearch engine sends.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from elastic_transport import HttpHeaders, TransportError, Urllib3HttpNode
from elastic_transport.client_utils import DEFAULT, DefaultType
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.dsl import Search

from search.engines.distributed import DistributedEngine, EngineURL, translated_errors

if TYPE_CHECKING:
    from elastic_transport._node import NodeApiResponse  # not exported at the top


class ElasticsearchEngine(DistributedEngine):
    """Search in an Elasticsearch cluster."""

    name = "elasticsearch"

    def __init__(self, url: EngineURL) -> None:
        super().__init__(url)
        options: dict = {
            "hosts": list(url.hosts),
            "request_timeout": url.timeout,
            # Retrying is the outbox's job (with back-off) and the fallback's (per request).
            "max_retries": 0,
            "retry_on_timeout": False,
            "verify_certs": url.verify_certs,
        }
        if url.username:
            options["basic_auth"] = (url.username, url.password)
        if url.ca_certs:
            options["ca_certs"] = url.ca_certs
        if url.api_compatibility:
            options["node_class"] = compatibility_node(url.api_compatibility)
        self.client = Elasticsearch(**options)
        # Bulk writes and index changes may take longer than a search.
        self._slow = self.client.options(request_timeout=url.bulk_timeout)

    def _errors(self):
        return translated_errors(ApiError, TransportError)

    def search_request(self, index: str, body: dict) -> Search:
        """The elasticsearch.dsl search for a shared body."""
        return Search(using=self.client, index=index).update_from_dict(body)

    def _transport_search(self, index: str, body: dict) -> dict:
        return self.search_request(index, body).execute().to_dict()

    def _transport_bulk(self, operations: list[dict], *, refresh: bool) -> dict:
        return self._slow.bulk(operations=operations, refresh=refresh).body

    def _transport_create_index(self, name: str, body: dict) -> None:
        self._slow.indices.create(index=name, settings=body["settings"], mappings=body["mappings"])

    def _transport_aliased_indices(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def _transport_index_exists(self, name: str) -> bool:
        return bool(self.client.indices.exists(index=name))

    def _transport_update_aliases(self, actions: list[dict]) -> None:
        self.client.indices.update_aliases(actions=actions)

    def _transport_delete_indices(self, names: list[str]) -> None:
        self.client.indices.delete(index=names, ignore_unavailable=True)

    def _transport_refresh(self, name: str) -> None:
        self._slow.indices.refresh(index=name)

    def _transport_count(self) -> int:
        return int(self.client.count(index=self.alias)["count"])

    def _transport_delete_all(self) -> None:
        self._slow.delete_by_query(
            index=self.alias, query={"match_all": {}}, refresh=True, conflicts="proceed"
        )

    def _transport_get(self, doc_id: str) -> dict | None:
        try:
            return self.client.get(index=self.alias, id=doc_id)["_source"]
        except NotFoundError:
            return None


_COMPATIBLE_MEDIA_TYPE = re.compile(
    r"application/vnd\.elasticsearch\+([\w.-]+)\s*;\s*compatible-with=\d+", re.IGNORECASE
)


@cache
def compatibility_node(version: str) -> type[Urllib3HttpNode]:
    """A connection class whose requests ask for REST API `version` (a major version, or
    "none" for plain media types) instead of the client's own (see EngineURL's
    api_compatibility). The client serialises bodies before the node sends them, so only
    the Accept and Content-Type headers change."""

    def rewritten(value: str) -> str:
        if version == "none":
            return _COMPATIBLE_MEDIA_TYPE.sub(r"application/\1", value)
        return _COMPATIBLE_MEDIA_TYPE.sub(
            rf"application/vnd.elasticsearch+\1; compatible-with={version}", value
        )

    class CompatibilityNode(Urllib3HttpNode):
        def perform_request(
            self,
            method: str,
            target: str,
            body: bytes | None = None,
            headers: HttpHeaders | None = None,
            request_timeout: DefaultType | float | None = DEFAULT,
        ) -> NodeApiResponse:
            if headers:
                headers = headers.copy()
                for name in ("accept", "content-type"):
                    if name in headers:
                        headers[name] = rewritten(headers[name])
            return super().perform_request(
                method, target, body, headers, request_timeout=request_timeout
            )

    CompatibilityNode.__name__ = CompatibilityNode.__qualname__ = f"CompatibilityNode_{version}"
    return CompatibilityNode
