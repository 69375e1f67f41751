"""Every e-mail the site sends goes through `RetryingEmailBackend` (the `default` mailer), so
callers just `send_mail()`: each message becomes a `mail_send` task that delivers it through the
mailer that sends (`smtp` in production).

Where the task runs is the task backend's choice (`TASKS_BACKEND`): in production the worker
(`manage.py db_worker`, the Procfile's `worker`) sends it, so no request waits for the mail
server, and the message leaves only if the request's transaction commits. A message the server
does not take (down, refusing, timing out) is tried again later, with a delay that doubles
(`MAIL_RETRY_SECONDS`, `MAIL_SEND_ATTEMPTS` times); one that still fails, or any failure under
the immediate backend (development, tests), is logged and kept in `OutgoingMail`, listed in the
Django admin, instead of raising: no page answers 500 because the mail server is away.
`manage.py mail_retry` sends what was kept (`outgoing_mail_retry`); the worker runs it too once
the server takes a message again.

Callers that want to tell the person (allauth's e-mail, see `portal.accounts`) read the
number `send()` returns: 0 when the message was kept for later.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from django_tasks import TaskResultStatus, task

from portal.models import OutgoingMail

logger = logging.getLogger(__name__)

ERROR_LENGTH = 1000


class RetryingEmailBackend(BaseEmailBackend):
    """Hands the messages to the `mail_send` task for the mailer named by the `mailer` option.

    `send_messages` returns how many messages the server took or the worker will send; the
    others are in `OutgoingMail`.
    """

    def __init__(self, *, mailer: str = "smtp", **kwargs) -> None:
        super().__init__(**kwargs)
        self.mailer = mailer

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        result = mail_send.enqueue(
            messages=[message_data(message) for message in email_messages], mailer=self.mailer
        )
        if result.status == TaskResultStatus.SUCCESSFUL:  # ran here (the immediate backend)
            return result.return_value
        if result.status == TaskResultStatus.FAILED:
            # ran here and failed other than by the server's refusal (a malformed message):
            # fail as sending directly would have
            raise MailNotSent(result.errors[-1].traceback)
        return len(email_messages)  # queued: the worker sends them


class MailNotSent(Exception):
    """A `mail_send` task run in this process failed; the message is its traceback."""


@task()
def mail_send(*, messages: list[dict], mailer: str, attempt: int = 1) -> int:
    """Send the messages (`message_data`) through `mailer` on one connection; return how many
    the server took.

    Those it did not take are tried again after a delay that doubles with each attempt, when
    the task backend can run tasks later and fewer than MAIL_SEND_ATTEMPTS were made; otherwise
    they are kept in `OutgoingMail`. When the server takes a message and earlier ones wait in
    `OutgoingMail`, a `mail_retry_kept` task is enqueued to send them too.
    """
    sent, refused = _deliver(messages, mailer=mailer)
    if refused:
        _retry_or_keep(refused, mailer=mailer, attempt=attempt)
    elif sent and mail_send.get_backend().supports_defer and OutgoingMail.objects.exists():
        mail_retry_kept.enqueue()
    return sent


@task()
def mail_retry_kept() -> dict:
    """`outgoing_mail_retry` as a task: the worker sends the kept messages once the server is
    back."""
    outcome = outgoing_mail_retry()
    return {"sent": outcome.sent, "failed": outcome.failed, "waiting": outcome.waiting}


def mail_retry_delay(attempt: int) -> float:
    """Seconds to wait before attempt `attempt + 1`: MAIL_RETRY_SECONDS, doubling."""
    return settings.MAIL_RETRY_SECONDS * 2 ** (attempt - 1)


def _deliver(messages: list[dict], *, mailer: str) -> tuple[int, list[tuple[dict, OSError]]]:
    """Send on one connection; return how many were taken and the refused ones with why."""
    delivery = mailers[mailer]
    try:
        delivery.open()
    except OSError as error:  # smtplib's errors and socket errors are OSErrors
        return 0, [(data, error) for data in messages]
    sent = 0
    refused = []
    try:
        for data in messages:
            try:
                sent += delivery.send_messages([message_from_data(data)])
            except OSError as error:
                refused.append((data, error))
    finally:
        with contextlib.suppress(OSError):  # the messages are sent or refused either way
            delivery.close()
    return sent, refused


def _retry_or_keep(refused: list[tuple[dict, OSError]], *, mailer: str, attempt: int) -> None:
    if attempt < settings.MAIL_SEND_ATTEMPTS and mail_send.get_backend().supports_defer:
        retry_at = timezone.now() + datetime.timedelta(seconds=mail_retry_delay(attempt))
        mail_send.using(run_after=retry_at).enqueue(
            messages=[data for data, _error in refused], mailer=mailer, attempt=attempt + 1
        )
        for data, error in refused:
            logger.warning(
                "The mail server did not take “%s” (%s); attempt %d of %d at %s",
                data["subject"],
                _describe(error),
                attempt + 1,
                settings.MAIL_SEND_ATTEMPTS,
                retry_at.isoformat(timespec="seconds"),
            )
        return
    for data, error in refused:
        outgoing_mail_keep(data=data, mailer=mailer, error=error, attempts=attempt)


def outgoing_mail_keep(
    *, data: dict, mailer: str, error: Exception, attempts: int = 1
) -> OutgoingMail:
    """Keep a message (`message_data`) the mail server did not take, to be sent again by
    `mail_retry`."""
    kept = OutgoingMail.objects.create(
        mailer=mailer,
        subject=str(data["subject"])[:998],
        message=data,
        attempts=attempts,
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
                    taken = delivery.send_messages([message_from_data(row.message)])
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


def message_data(message: EmailMessage) -> dict:
    """The message as JSON (a task argument): everything `message_from_data` needs to build it
    again."""
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


def message_from_data(data: dict) -> EmailMultiAlternatives:
    """The message `message_data` describes."""
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
