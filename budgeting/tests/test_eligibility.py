"""Who may vote with their account: active network members of the process's municipality."""

import pytest

from budgeting.factories import UserFactory
from network.factories import CountryFactory, MemberFactory
from network.models import MemberStatus


def _member(username, *, country="fi", municipality="Kokeilu demo town", status="active"):
    user = UserFactory(username=username, resident=False)
    MemberFactory(
        user=user,
        country=CountryFactory(key=country),
        municipality=municipality,
        status=status,
    )
    return user


def _ballot_page(client, process, user):
    client.force_login(user)
    return client.get(f"/pb/{process.slug}/vote/").content.decode()


def test_a_resident_member_gets_the_ballot(client, voting_process):
    page = _ballot_page(
        client, voting_process, _member("resident", municipality=" kokeilu DEMO town")
    )
    assert "data-pb-ballot" in page


@pytest.mark.parametrize(
    ("country", "municipality", "status"),
    [
        ("se", "Kokeilu demo town", MemberStatus.ACTIVE),  # another country
        ("fi", "Espoo", MemberStatus.ACTIVE),  # another municipality
        ("fi", "Kokeilu demo town", MemberStatus.PENDING),  # not yet approved by the NCP
    ],
)
def test_members_outside_the_municipality_or_not_approved_cannot_vote(
    client, voting_process, country, municipality, status
):
    user = _member("outsider", country=country, municipality=municipality, status=status)
    page = _ballot_page(client, voting_process, user)
    assert "Your account is not eligible to vote in this process." in page
    assert "data-pb-ballot" not in page


def test_an_account_without_a_member_profile_cannot_vote(client, voting_process):
    page = _ballot_page(client, voting_process, UserFactory(username="no-profile", resident=False))
    assert "not eligible" in page and "data-pb-ballot" not in page
