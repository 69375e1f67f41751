"""Deactivation is guarded: a national contact point cannot take themselves or the site's
administrator out of the network, whatever they post, and the dashboard offers the button only
where it would be accepted."""

import pytest

from network.factories import MemberFactory, UserFactory
from network.models import AuditLogEntry, MemberStatus


@pytest.fixture
def site_admin(finland):
    """The site administrator, who is also a Finnish member."""
    return MemberFactory(
        user=UserFactory(username="root", is_superuser=True, is_staff=True),
        display_name="Site Administrator",
        country=finland,
    )


def _dashboard_deactivates(client, member) -> bool:
    html = client.get("/en/network/ncp/?status=active").content.decode()
    return f"/en/network/members/{member.pk}/deactivate/" in html


def test_an_ncp_cannot_deactivate_their_own_membership(client, ncp_fi):
    client.force_login(ncp_fi.user)

    answer = client.post(f"/en/network/members/{ncp_fi.pk}/deactivate/", {"reason": "oops"})

    assert answer.status_code == 403
    assert "your own membership" in answer.content.decode()
    ncp_fi.refresh_from_db()
    assert ncp_fi.status == MemberStatus.ACTIVE
    assert not AuditLogEntry.objects.exists()
    assert not _dashboard_deactivates(client, ncp_fi)


def test_an_ncp_cannot_deactivate_the_site_administrator(client, ncp_fi, site_admin):
    client.force_login(ncp_fi.user)

    answer = client.post(f"/en/network/members/{site_admin.pk}/deactivate/", {"reason": "x"})

    assert answer.status_code == 403
    assert "managed in the admin" in answer.content.decode()
    site_admin.refresh_from_db()
    assert site_admin.status == MemberStatus.ACTIVE
    assert not _dashboard_deactivates(client, site_admin)


def test_an_ncp_still_deactivates_an_ordinary_member_of_their_country(client, ncp_fi, finn):
    client.force_login(ncp_fi.user)
    assert _dashboard_deactivates(client, finn)

    client.post(f"/en/network/members/{finn.pk}/deactivate/", {"reason": "On leave"})

    finn.refresh_from_db()
    assert finn.status == MemberStatus.DEACTIVATED
