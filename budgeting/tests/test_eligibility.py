"""Who may vote with their account: active network members whose confirmed residence is the
process's municipality."""

from django.core.exceptions import PermissionDenied

import pytest

from budgeting.factories import UserFactory
from budgeting.permissions import voter_eligible
from budgeting.tests.conftest import cast
from budgeting.voting.models import Ballot
from network.factories import CountryFactory, MemberFactory
from network.models import AuditAction, AuditLogEntry, MemberStatus
from network.services import member_residence_confirm


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
    return client.get(f"/en/pb/{process.slug}/vote/").content.decode()


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


# The residence that counts is the confirmed one (network: NCP or organiser), not the typed one


def test_a_swedish_member_who_moves_into_the_town_on_their_profile_cannot_vote_there(
    client, voting_process, organiser
):
    swede = _member("swede", country="se", municipality="Malmö")
    client.force_login(swede)
    client.post(
        f"/en/network/members/{swede.member.pk}/edit/",
        {"display_name": "Sven", "country": "fi", "municipality": "Kokeilu demo town"},
    )
    swede.member.refresh_from_db()
    assert swede.member.municipality == "Kokeilu demo town"  # the profile says so

    page = client.get(f"/en/pb/{voting_process.slug}/vote/").content.decode()
    assert "Your account is not eligible to vote in this process." in page
    assert "data-pb-ballot" not in page
    with pytest.raises(PermissionDenied):
        cast(voting_process, swede, "Trees")

    # the NCP of Finland confirms the move: now the account votes
    ncp = UserFactory(username="ncp-fi", resident=False)
    MemberFactory(user=ncp, country=CountryFactory(key="fi"), ncp_country=CountryFactory(key="fi"))
    member_residence_confirm(actor=ncp, member=swede.member)
    cast(voting_process, swede, "Trees")
    assert Ballot.objects.filter(process=voting_process, voter=swede).exists()


def test_an_organiser_confirms_a_resident_of_the_town_on_the_manage_page(
    client, voting_process, organiser
):
    newcomer = _member("newcomer", municipality="Espoo")  # confirmed in Espoo
    newcomer.member.municipality = "Kokeilu demo town"  # moved, says their profile
    newcomer.member.save()
    assert not voter_eligible(process=voting_process, user=newcomer)
    url = f"/en/pb/{voting_process.slug}/manage/residents/"

    client.force_login(newcomer)
    assert client.post(url, {"username": "newcomer"}).status_code == 403
    client.force_login(organiser)
    response = client.post(url, {"username": "newcomer"}, follow=True)

    assert "is confirmed as a resident" in response.content.decode()
    assert voter_eligible(process=voting_process, user=newcomer)
    entry = AuditLogEntry.objects.get(action=AuditAction.RESIDENCE)
    assert entry.actor == organiser and entry.details["process"] == voting_process.slug


def test_an_organiser_confirms_only_what_the_member_says_and_only_in_their_town(
    client, voting_process, organiser
):
    _member("helsinki", municipality="Helsinki")
    _member("swede", country="se", municipality="Kokeilu demo town")
    client.force_login(organiser)
    url = f"/en/pb/{voting_process.slug}/manage/residents/"

    for username in ("helsinki", "swede"):
        page = client.post(url, {"username": username}, follow=True).content.decode()
        assert "does not give Kokeilu demo town as their municipality" in page
    assert not AuditLogEntry.objects.exists()
