"""E-mail of the network's writes (decisions on memberships, group invitations)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def notice_send(*, to: str, subject: str, message: str) -> None:
    """Send an e-mail once the transaction has committed (nothing is sent for a rollback).

    A mail server that is down does not undo the decision: the site's mailer keeps the message
    for `mail_retry` (portal.outgoing_mail)."""
    if not to:
        return
    # one line: a group's or member's name may hold a line break, which a header cannot
    subject = " ".join(f"[Kokeilu] {subject}".split())
    message = str(message)  # in the language active now (`portal.languages.recipient_language`)
    transaction.on_commit(lambda: send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [to]))
