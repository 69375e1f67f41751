"""`portal.outgoing_mail`: a message the mail server does not take is kept whole (HTML part
and attachments too) and sent as it was once the server is back."""

from django.core import mail
from django.core.mail import EmailMultiAlternatives

import pytest

from portal.models import OutgoingMail
from portal.outgoing_mail import outgoing_mail_retry
from tests.mail_servers import mail_server_set_back, mail_server_set_down

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_down(settings):
    mail_server_set_down(settings)
    return settings


def _message(number: int = 1) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=f"Workshop {number}: you have a place",
        body="A place opened up.",
        from_email="kokeilu@example.org",
        to=["aino@example.org"],
        bcc=["archive@example.org"],
        reply_to=["facilitator@example.org"],
        headers={"X-Kokeilu": "workshop"},
    )
    message.attach_alternative("<p>A place opened up.</p>", "text/html")
    message.attach("workshop.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    return message


def test_a_message_the_server_does_not_take_is_kept_and_sent_whole_later(server_down):
    assert _message().send() == 0  # kept, not sent; no exception

    assert OutgoingMail.objects.get().subject == "Workshop 1: you have a place"
    mail_server_set_back(server_down)

    outcome = outgoing_mail_retry()

    assert (outcome.sent, outcome.failed, outcome.waiting) == (1, 0, 0)
    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.from_email) == (
        "Workshop 1: you have a place",
        "A place opened up.",
        "kokeilu@example.org",
    )
    assert (sent.to, sent.bcc, sent.reply_to) == (
        ["aino@example.org"],
        ["archive@example.org"],
        ["facilitator@example.org"],
    )
    assert sent.extra_headers["X-Kokeilu"] == "workshop"
    assert [tuple(a) for a in sent.alternatives] == [("<p>A place opened up.</p>", "text/html")]
    (attachment,) = sent.attachments
    assert attachment.filename == "workshop.ics" and attachment.mimetype == "text/calendar"
    assert attachment.content in (
        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )


def test_a_retry_stops_at_a_server_that_cannot_be_reached(server_down):
    _message(1).send()
    _message(2).send()

    outcome = outgoing_mail_retry()

    assert (outcome.sent, outcome.failed, outcome.waiting) == (0, 1, 2)
    assert list(OutgoingMail.objects.values_list("attempts", flat=True)) == [2, 1]
    assert "ConnectionRefusedError" in OutgoingMail.objects.first().last_error
