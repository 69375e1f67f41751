"""Sign-up, log-in, a password reset and an NCP's decision while the mail server is down: the
page answers as usual and says the e-mail will follow; the message is kept, and `mail_retry`
sends it once the server is back."""

import re

from django.core import mail
from django.core.management import call_command

import pytest

from network.factories import PASSWORD, MemberFactory, UserFactory
from network.models import Member, MemberStatus
from portal.models import OutgoingMail
from tests.mail_servers import mail_server_set_back, mail_server_set_down

pytestmark = pytest.mark.django_db

KEPT = "did not take the e-mail"


@pytest.fixture
def mail_server_down(settings):
    """The production mailers, with the SMTP server on a port where nothing listens."""
    mail_server_set_down(settings)
    return settings


@pytest.fixture
def mail_server_back(settings):
    def back() -> None:
        mail_server_set_back(settings)

    return back


def _signup(client):
    return client.post(
        "/en/accounts/signup/",
        {
            "email": "liisa@example.org",
            "username": "liisa",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "display_name": "Liisa Laine",
            "country": "fi",
        },
        follow=True,
    )


def test_sign_up_while_the_mail_server_is_down_says_the_e_mail_will_follow(
    client, finland, mail_server_down, mail_server_back
):
    response = _signup(client)

    assert response.status_code == 200
    html = response.content.decode()
    assert KEPT in html and "liisa@example.org" in html
    assert "Confirmation email sent" not in html
    assert Member.objects.get(user__username="liisa").status == MemberStatus.PENDING
    kept = OutgoingMail.objects.get()
    assert kept.message["to"] == ["liisa@example.org"]
    assert "ConnectionRefusedError" in kept.last_error
    assert mail.outbox == []

    call_command("mail_retry")  # still down: the message waits
    kept.refresh_from_db()
    assert kept.attempts == 2

    mail_server_back()
    call_command("mail_retry")

    assert not OutgoingMail.objects.exists()
    assert [message.to for message in mail.outbox] == [["liisa@example.org"]]
    link = re.search(r"(/en/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200  # the kept link still confirms the address


def test_log_in_of_an_unconfirmed_account_while_the_mail_server_is_down(client, mail_server_down):
    UserFactory(username="ville", email="ville@example.org", verified=False)

    response = client.post("/en/accounts/login/", {"login": "ville", "password": PASSWORD})

    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert KEPT in client.get(response["Location"]).content.decode()
    assert OutgoingMail.objects.get().message["to"] == ["ville@example.org"]


def test_a_password_reset_while_the_mail_server_is_down(client, finn, mail_server_down):
    response = client.post("/en/accounts/password/reset/", {"email": finn.user.email}, follow=True)

    assert response.status_code == 200
    assert KEPT in response.content.decode()
    assert OutgoingMail.objects.get().message["to"] == [finn.user.email]


def test_an_ncps_decision_is_kept_for_the_applicant_while_the_mail_server_is_down(
    client, finland, ncp_fi, mail_server_down, django_capture_on_commit_callbacks
):
    applicant = MemberFactory(country=finland, status=MemberStatus.PENDING)
    client.force_login(ncp_fi.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/network/members/{applicant.pk}/approve/")

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.ACTIVE
    assert OutgoingMail.objects.get().message["to"] == [applicant.user.email]
