"""Failed log-ins lock out an (account, address) pair and an address, never an account for
everyone; behind the proxy, the address is the client's (TRUSTED_PROXY_COUNT), not the proxy's.

Every request here comes through one proxy at 10.0.0.1 that appends the client's address to
X-Forwarded-For, as the README's production set-up has it.
"""

import pytest

from network.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
LOCKED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def log_in(client, login: str, password: str, *, address: str):
    return client.post(
        "/en/accounts/login/",
        {"login": login, "password": password},
        REMOTE_ADDR=PROXY,
        # a forged first entry: only the address the proxy appended counts
        HTTP_X_FORWARDED_FOR=f"192.0.2.1, {address}",
    )


def test_a_password_spray_from_one_address_locks_out_no_one_elsewhere(client):
    victims = [UserFactory(username=f"victim{number}") for number in range(29)]
    owner = victims[0]

    pages = [log_in(client, user.username, "Winter2025!", address=ATTACKER) for user in victims]

    # the attacker's address is stopped after 10 failures a minute
    assert LOCKED not in pages[0].content.decode()
    assert LOCKED in pages[-1].content.decode()
    # the owner, from their own address, logs in
    response = log_in(client, owner.username, PASSWORD, address=OWNER)
    assert response.status_code == 302, response.content.decode()


def test_wrong_passwords_for_someones_account_do_not_lock_out_its_owner(client):
    owner = UserFactory(username="owner")

    for _ in range(5):
        page = log_in(client, "owner", "guess", address=ATTACKER)
        assert LOCKED not in page.content.decode()
    # the sixth try from that address is refused, even with the right password ...
    page = log_in(client, "owner", PASSWORD, address=ATTACKER)
    assert page.status_code == 200 and LOCKED in page.content.decode()
    assert "_auth_user_id" not in client.session
    # ... also when the account is named by its e-mail address
    page = log_in(client, owner.email, PASSWORD, address=ATTACKER)
    assert LOCKED in page.content.decode()

    # the owner, from their own address, logs in
    response = log_in(client, "owner", PASSWORD, address=OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
