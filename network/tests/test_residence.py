"""The residence that account voting trusts is the one an NCP (or a PB organiser) confirmed:
set when the membership is approved, changed only by a confirmation, never by the member's own
edit. The NCP of a country confirms residences in that country only."""

import pytest

from network.factories import MemberFactory, UserFactory
from network.models import AuditAction, AuditLogEntry, Member, MemberStatus

pytestmark = pytest.mark.django_db


def _move(client, member, *, country: str, municipality: str):
    """The member edits their own profile: another country and municipality."""
    client.force_login(member.user)
    return client.post(
        f"/en/network/members/{member.pk}/edit/",
        {"display_name": member.display_name, "country": country, "municipality": municipality},
        follow=True,
    )


def test_approving_a_membership_confirms_the_residence_given(client, ncp_fi, finland):
    applicant = MemberFactory(
        user=UserFactory(username="applicant"),
        country=finland,
        municipality="Tampere",
        status=MemberStatus.PENDING,
    )
    assert applicant.residence_confirmed_at is None
    client.force_login(ncp_fi.user)

    client.post(f"/en/network/members/{applicant.pk}/approve/")

    applicant.refresh_from_db()
    assert (applicant.residence_country, applicant.residence_municipality) == (finland, "Tampere")
    assert applicant.residence_confirmed_by == ncp_fi.user
    entry = AuditLogEntry.objects.get(action=AuditAction.APPROVE)
    assert entry.details["residence"] == {"country": "fi", "municipality": "Tampere"}


def test_a_members_own_move_waits_for_the_ncp_of_the_new_country(
    client, ncp_fi, swede, sweden, finland
):
    page = _move(client, swede, country="fi", municipality="Kokeilu demo town").content.decode()

    assert "stay as they were confirmed until the national contact point" in page
    swede.refresh_from_db()
    assert (swede.country, swede.municipality) == (finland, "Kokeilu demo town")
    assert (swede.residence_country, swede.residence_municipality) == (sweden, "Secretville")
    me = client.get("/en/network/me/").content.decode()
    assert "Secretville" in me and "waits for confirmation" in me

    # the Finnish NCP sees the change on the dashboard and confirms it
    client.force_login(ncp_fi.user)
    dashboard = client.get("/en/network/ncp/").content.decode()
    assert "1 residence to confirm" in dashboard and "Sven Svensson" in dashboard
    response = client.post(f"/en/network/members/{swede.pk}/residence/", follow=True)
    assert "The residence of Sven Svensson is confirmed." in response.content.decode()
    swede.refresh_from_db()
    assert (swede.residence_country, swede.residence_municipality) == (
        finland,
        "Kokeilu demo town",
    )
    entry = AuditLogEntry.objects.get(action=AuditAction.RESIDENCE)
    assert (entry.actor, entry.member, entry.country) == (ncp_fi.user, swede, finland)
    assert entry.details == {"country": "fi", "municipality": "Kokeilu demo town"}
    assert "0 residences to confirm" in client.get("/en/network/ncp/").content.decode()


def test_a_finnish_ncp_never_confirms_a_swedish_residence(client, ncp_fi, swede, sweden):
    swede.municipality = "Malmö"  # a move within Sweden, waiting for the Swedish NCP
    swede.save()
    client.force_login(ncp_fi.user)

    assert "Sven Svensson" not in client.get("/en/network/ncp/").content.decode()
    response = client.post(f"/en/network/members/{swede.pk}/residence/")

    assert response.status_code == 403
    swede.refresh_from_db()
    assert swede.residence_municipality == "Secretville"
    assert not AuditLogEntry.objects.exists()


def test_the_swedish_ncp_confirms_a_move_within_sweden(client, swede, sweden):
    ncp_se = MemberFactory(user=UserFactory(username="ncp-se"), country=sweden, ncp_country=sweden)
    _move(client, swede, country="se", municipality="Malmö")
    client.force_login(ncp_se.user)

    client.post(f"/en/network/members/{swede.pk}/residence/")

    swede.refresh_from_db()
    assert swede.residence_municipality == "Malmö" and swede.residence_confirmed_by == ncp_se.user


def test_a_member_cannot_confirm_their_own_residence(client, finn):
    _move(client, finn, country="fi", municipality="Oulu")

    response = client.post(f"/en/network/members/{finn.pk}/residence/")

    assert response.status_code == 403
    finn.refresh_from_db()
    assert finn.residence_municipality != "Oulu"


def test_deleting_the_account_removes_the_confirmed_residence(client, finn):
    from network.services import member_delete

    member_delete(member=finn)

    stored = Member.objects.get(pk=finn.pk)
    assert stored.residence_country is None and stored.residence_municipality == ""
    assert stored.residence_confirmed_at is None
