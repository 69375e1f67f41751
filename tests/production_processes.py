"""What the tests that start production processes (gunicorn, the task worker) share: the test
database's address for the child process and a mail server that takes what they send."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from urllib.parse import quote

import pytest


def postgres_url_of_test_database(*, reason: str) -> str:
    """The `DATABASE_URL` of the test database, for a process on the production settings; skips
    with `reason` on SQLite (production settings refuse it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(f"{reason} (DATABASE_URL=postgres://…)")
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class MailSinkServer(socketserver.ThreadingTCPServer):
    """Just enough SMTP to take messages; each is kept in `received`."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _MailSinkHandler)
        self.received: list[Message] = []

    @property
    def port(self) -> int:
        return self.server_address[1]


class _MailSinkHandler(socketserver.StreamRequestHandler):
    server: MailSinkServer

    def handle(self) -> None:
        self.wfile.write(b"220 sink\r\n")
        while line := self.rfile.readline():
            command = line[:4].upper()
            if command == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                lines = []
                while (body := self.rfile.readline()) and body not in (b".\r\n", b".\n"):
                    lines.append(body[1:] if body.startswith(b"..") else body)
                self.server.received.append(message_from_bytes(b"".join(lines)))
                self.wfile.write(b"250 ok\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@contextmanager
def mail_sink_running() -> Iterator[MailSinkServer]:
    """A mail server on a free local port, serving until the block ends."""
    server = MailSinkServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
