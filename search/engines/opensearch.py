"""The OpenSearch engine, through opensearch-py (SEARCH_URL=opensearch://host:9200/<index>)."""

from __future__ import annotations

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, OpenSearchException

from search.engines.distributed import DistributedEngine, EngineURL, translated_errors


class OpenSearchEngine(DistributedEngine):
    """Search in an OpenSearch cluster (or osmem-server in development and tests)."""

    name = "opensearch"

    def __init__(self, url: EngineURL) -> None:
        super().__init__(url)
        options: dict = {
            "hosts": list(url.hosts),
            "timeout": url.timeout,
            # Retrying is the outbox's job (with back-off) and the fallback's (per request).
            "max_retries": 0,
            "retry_on_timeout": False,
            "verify_certs": url.verify_certs,
            "ssl_show_warn": url.verify_certs,
        }
        if url.username:
            options["http_auth"] = (url.username, url.password)
        if url.ca_certs:
            options["ca_certs"] = url.ca_certs
        self.client = OpenSearch(**options)
        self._slow = url.bulk_timeout

    def _errors(self):
        return translated_errors(OpenSearchException)

    def _transport_search(self, index: str, body: dict) -> dict:
        return self.client.search(index=index, body=body)

    def _transport_bulk(self, operations: list[dict], *, refresh: bool) -> dict:
        params = {"refresh": "true" if refresh else "false", "request_timeout": self._slow}
        return self.client.bulk(body=operations, params=params)

    def _transport_create_index(self, name: str, body: dict) -> None:
        self.client.indices.create(index=name, body=body, params={"request_timeout": self._slow})

    def _transport_aliased_indices(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def _transport_index_exists(self, name: str) -> bool:
        return bool(self.client.indices.exists(index=name))

    def _transport_update_aliases(self, actions: list[dict]) -> None:
        self.client.indices.update_aliases(body={"actions": actions})

    def _transport_delete_indices(self, names: list[str]) -> None:
        self.client.indices.delete(index=",".join(names), params={"ignore_unavailable": "true"})

    def _transport_refresh(self, name: str) -> None:
        self.client.indices.refresh(index=name, params={"request_timeout": self._slow})

    def _transport_count(self) -> int:
        return int(self.client.count(index=self.alias)["count"])

    def _transport_delete_all(self) -> None:
        self.client.delete_by_query(
            index=self.alias,
            body={"query": {"match_all": {}}},
            params={"refresh": "true", "conflicts": "proceed", "request_timeout": self._slow},
        )

    def _transport_get(self, doc_id: str) -> dict | None:
        try:
            return self.client.get(index=self.alias, id=doc_id)["_source"]
        except NotFoundError:
            return None
