"""osmem-server: an in-memory OpenSearch-compatible engine for development and the tests.

`manage.py search_osmem` runs one in the foreground; the test suite starts its own. osmem keeps
everything in memory, so a restart starts empty: `search_index drain` (or any save) recreates the
index and sends every document again (see search.outbox).
"""

from __future__ import annotations

import socket


class OsmemUnavailable(RuntimeError):
    """osmem-server is not installed for this platform."""


def osmem_free_port() -> int:
    """A TCP port nothing listens on right now (for a server that must restart on it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def osmem_start(*, port: int | None = None):
    """Start osmem-server on 127.0.0.1 (`port`, or a free one) and wait until it answers.

    Returns an `osmem_server.OsmemServer` (its `url`, `close()`); raises OsmemUnavailable when
    the package or its binary is missing.
    """
    try:
        from osmem_server import OsmemError, OsmemServer, resolve_binary
    except ImportError as error:
        raise OsmemUnavailable("osmem-server is not installed (pip install -e '.[dev]')") from error
    try:
        resolve_binary()
    except OsmemError as error:
        raise OsmemUnavailable(str(error)) from error
    addr = f"127.0.0.1:{port if port is not None else 0}"
    # The server exits with this process (or when `close()` shuts its standard input).
    return OsmemServer.start(japanese=False, addr=addr)
