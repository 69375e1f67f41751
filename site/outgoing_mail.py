"""Every e-mail the site sends goes through `RetryingEmailBackend` (the `default` mailer): it
hands each message to the mailer that delivers (`smtp` in production), and one that the mail
server does not take now (down, refusing, timing out) is logged and kept in `OutgoingMail`
instead of raising, so no page answers 500 because the mail server is away: not sign-up, not
log-in, not a password reset, not an NCP's decision. `manage.py mail_retry` sends what was
kept (`outgoing_mail_retry`); a task worker that runs it regularly comes with the structure
issue, until then run it from cron.

Callers that want to tell the person (allauth's e-mail, see `portal.accounts`) read the
number `send()` returns: 0 when the message was kept for later.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from portal.models import OutgoingMail

logger = logging.getLogger(__name__)

ERROR_LENGTH = 1000


class RetryingEmailBackend(BaseEmailBackend):
    """Sends through the mailer named by the `mailer` option; keeps what it cannot send now.

    `send_messages` returns the number of messages the server took; the others are in
    `OutgoingMail`.
    """

    def __init__(self, *, mailer: str = "smtp", **kwargs) -> None:
        super().__init__(**kwargs)
        self.mailer = mailer

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        delivery = mailers[self.mailer]
        try:
            delivery.open()
        except OSError as error:  # smtplib's errors and socket errors are OSErrors
            for message in email_messages:
                outgoing_mail_keep(message=message, mailer=self.mailer, error=error)
            return 0
        sent = 0
        try:
            for message in email_messages:
                try:
                    sent += delivery.send_messages([message])
                except OSError as error:
                    outgoing_mail_keep(message=message, mailer=self.mailer, error=error)
        finally:
            with contextlib.suppress(OSError):  # the messages are sent or kept either way
                delivery.close()
        return sent


def outgoing_mail_keep(*, message: EmailMessage, mailer: str, error: Exception) -> OutgoingMail:
    """Keep a message the mail server did not take, to be sent again by `mail_retry`."""
    kept = OutgoingMail.objects.create(
        mailer=mailer,
        subject=str(message.subject)[:998],
        message=_message_data(message),
        last_error=_describe(error),
    )
    logger.warning(
        "The mail server did not take “%s” (%s); kept as outgoing mail %d for mail_retry",
        kept.subject,
        kept.last_error,
        kept.pk,
    )
    return kept


@dataclass(frozen=True)
class RetryOutcome:
    sent: int
    failed: int
    waiting: int


def outgoing_mail_retry(*, limit: int | None = None) -> RetryOutcome:
    """Send the kept messages again, oldest first (at most `limit`): each one the server takes
    is deleted, each one it refuses counts an attempt and keeps its error. Stops when a mail
    server cannot be reached, as the rest would wait for it too. Safe to run in several
    processes at once (rows are locked, and skipped where the database can)."""
    sent = failed = 0
    deliveries: dict[str, BaseEmailBackend] = {}
    pks = list(OutgoingMail.objects.values_list("pk", flat=True)[:limit])
    try:
        for pk in pks:
            with transaction.atomic():
                row = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                if row is None:
                    continue  # sent by another process meanwhile
                try:
                    delivery = deliveries.get(row.mailer)
                    if delivery is None:
                        delivery = mailers[row.mailer]
                        delivery.open()
                        deliveries[row.mailer] = delivery
                    taken = delivery.send_messages([_message_from_data(row.message)])
                except OSError as error:
                    taken = 0
                    row.last_error = _describe(error)
                if taken:
                    row.delete()
                    sent += 1
                    continue
                row.attempts += 1
                row.last_attempt_at = timezone.now()
                row.save(update_fields=["attempts", "last_attempt_at", "last_error"])
                failed += 1
            logger.warning("Outgoing mail %d still waits: %s", row.pk, row.last_error)
            if row.mailer not in deliveries:
                break  # the server cannot be reached: the other messages would wait for it too
    finally:
        for delivery in deliveries.values():
            with contextlib.suppress(OSError):
                delivery.close()
    return RetryOutcome(sent=sent, failed=failed, waiting=OutgoingMail.objects.count())


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_LENGTH]


def _message_data(message: EmailMessage) -> dict:
    """The message as JSON: everything `_message_from_data` needs to build it again."""
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):  # a ready MIME part: send it as it is
            attachment = (
                attachment.get_filename(),
                attachment.get_payload(decode=True),
                attachment.get_content_type(),
            )
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([filename, base64.b64encode(content).decode("ascii"), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "content_subtype": message.content_subtype,
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def _message_from_data(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message
