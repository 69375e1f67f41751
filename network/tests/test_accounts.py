"""Accounts: sign-up with the profile fields, e-mail confirmation, log-in, rate limits."""

import re

from django.core import mail

import pytest

from network.factories import PASSWORD, UserFactory
from network.models import Member, MemberStatus

pytestmark = pytest.mark.django_db


def _signup(client, **overrides):
    data = {
        "email": "liisa@example.org",
        "username": "liisa",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
        "display_name": "Liisa Laine",
        "country": "fi",
        "organisation": "City of Tampere",
        **overrides,
    }
    return client.post("/en/accounts/signup/", data)


def test_sign_up_creates_a_pending_profile_and_sends_a_confirmation_link(client, finland):
    response = _signup(client)

    assert response.status_code == 302
    member = Member.objects.get(user__username="liisa")
    assert (member.display_name, member.country, member.status) == (
        "Liisa Laine",
        finland,
        MemberStatus.PENDING,
    )
    assert len(mail.outbox) == 1
    assert re.search(r"/en/accounts/confirm-email/\S+/", mail.outbox[0].body)


def test_confirming_the_email_puts_the_request_on_the_ncps_dashboard(client, finland, ncp_fi):
    _signup(client)
    link = re.search(r"(/en/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)

    assert client.get(link).status_code == 200
    client.post(link)
    client.force_login(ncp_fi.user)

    assert "Liisa Laine" in client.get("/en/network/ncp/").content.decode()


def test_an_unconfirmed_account_cannot_sign_in(client, finland):
    _signup(client)
    client.logout()

    response = client.post(
        "/en/accounts/login/", {"login": "liisa", "password": "a long enough passphrase"}
    )

    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_sign_up_with_bad_input_keeps_what_was_typed(client, finland):
    response = _signup(client, password2="something else", country="zz")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Liisa Laine"' in html
    assert 'value="liisa@example.org"' in html
    assert not Member.objects.exists()


def test_sign_in_by_username_and_sign_out(client, finn):
    response = client.post("/en/accounts/login/", {"login": "finn", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/en/network/me/"
    assert "Sign out" in client.get("/en/network/me/").content.decode()
    client.post("/en/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_failed_log_ins_are_rate_limited(client):
    UserFactory(username="target")
    pages = [
        client.post("/en/accounts/login/", {"login": "target", "password": "wrong"})
        for _ in range(6)
    ]

    assert "Too many failed login attempts" not in pages[0].content.decode()
    assert "Too many failed login attempts" in pages[-1].content.decode()
    # even the right password is refused now
    right = client.post("/en/accounts/login/", {"login": "target", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert right.status_code == 200


def test_sign_ups_are_rate_limited(client, finland):
    statuses = [
        _signup(client, username=f"u{i}", email=f"u{i}@example.org").status_code for i in range(12)
    ]
    client.logout()

    assert statuses[0] == 302
    assert statuses[-1] == 429


def test_account_pages_render_in_the_site_layout_with_a_strict_csp(client):
    for url in ("/en/accounts/login/", "/en/accounts/signup/", "/en/accounts/password/reset/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="site-header"' in html
        assert "<script>" not in html  # no inline script
        assert "unsafe-inline" not in response.get("Content-Security-Policy", "")


def test_password_reset_sends_a_link(client, finn):
    client.post("/en/accounts/password/reset/", {"email": finn.user.email})

    assert len(mail.outbox) == 1
    assert "/en/accounts/password/reset/key/" in mail.outbox[0].body


def test_two_factor_authentication_is_offered_in_the_site_layout(client, finn):
    client.force_login(finn.user)

    response = client.get("/en/accounts/2fa/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert "/en/accounts/2fa/totp/activate/" in html


def test_ncp_dashboard_nudges_towards_two_factor_authentication(client, ncp_fi):
    client.force_login(ncp_fi.user)

    assert "two-factor authentication" in client.get("/en/network/ncp/").content.decode()
