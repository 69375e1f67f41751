"""The production mailers for tests of kept and retried e-mail: every message goes through
`portal.outgoing_mail`, then to a mail server that is down or back."""

from __future__ import annotations

import socket


def _mailers(**delivery) -> dict:
    return {
        "default": {
            "BACKEND": "portal.outgoing_mail.RetryingEmailBackend",
            "OPTIONS": {"mailer": "smtp"},
        },
        "smtp": delivery,
    }


def mail_server_set_down(settings) -> None:
    """The production mailers, with the SMTP server on a port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = _mailers(
        BACKEND="django.core.mail.backends.smtp.EmailBackend",
        OPTIONS={"host": "127.0.0.1", "port": port, "timeout": 5},
    )


def mail_server_set_back(settings) -> None:
    """The production mailers, with a server that takes every message (Django's test outbox)."""
    settings.MAILERS = _mailers(BACKEND="django.core.mail.backends.locmem.EmailBackend")
