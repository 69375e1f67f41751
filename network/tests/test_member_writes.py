"""Writing in the network needs an active membership (`network.permissions.member_write_refusal`):
a facilitator or group member whose membership was deactivated decides no request and invites
nobody, accounts that are not active are told why instead of being offered a form, and their
own profile, data export and account deletion stay open."""

from django.core import mail

import pytest

from network.factories import GroupFactory, GroupMembershipFactory, MemberFactory
from network.models import GroupMembership, GroupPolicy, Invitation, MembershipStatus, MemberStatus

pytestmark = pytest.mark.django_db

PENDING = "Your membership is waiting for approval by your national contact point"
DEACTIVATED = "Your membership has been deactivated"


def _deactivate(member) -> None:
    member.status = MemberStatus.DEACTIVATED
    member.save()


def test_a_deactivated_facilitator_decides_no_request(client, finn, swede):
    group = GroupFactory(policy=GroupPolicy.REQUEST)
    GroupMembershipFactory(group=group, member=swede, role="facilitator")
    request = GroupMembershipFactory(group=group, member=finn, status=MembershipStatus.REQUESTED)
    _deactivate(swede)
    client.force_login(swede.user)

    page = client.get(group.get_absolute_url()).content.decode()
    response = client.post(
        f"/en/network/groups/{group.slug}/requests/{request.pk}/", {"accept": "1"}
    )

    assert "Requests to join" not in page
    assert response.status_code == 403 and DEACTIVATED in response.content.decode()
    request.refresh_from_db()
    assert request.status == MembershipStatus.REQUESTED


def test_a_deactivated_group_member_invites_nobody(
    client, finn, swede, django_capture_on_commit_callbacks
):
    group = GroupFactory(policy=GroupPolicy.OPEN)
    GroupMembershipFactory(group=group, member=swede)
    _deactivate(swede)
    client.force_login(swede.user)

    page = client.get(group.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/network/groups/{group.slug}/invite/", {"email": "someone@example.org"}
        )

    assert "Send the invitation" not in page
    assert response.status_code == 403 and DEACTIVATED in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_pending_account_is_told_why_it_cannot_join(client, finland):
    pending = MemberFactory(country=finland, status=MemberStatus.PENDING)
    group = GroupFactory(policy=GroupPolicy.OPEN)
    client.force_login(pending.user)

    page = client.get(group.get_absolute_url()).content.decode()
    response = client.post(f"/en/network/groups/{group.slug}/join/")

    assert PENDING in page and "Join the group" not in page
    assert response.status_code == 403 and PENDING in response.content.decode()
    assert not GroupMembership.objects.exists()


def test_leaving_a_group_stays_open_after_deactivation(client, swede):
    group = GroupFactory(policy=GroupPolicy.OPEN)
    GroupMembershipFactory(group=group, member=swede)
    _deactivate(swede)
    client.force_login(swede.user)

    client.post(f"/en/network/groups/{group.slug}/leave/")

    assert not GroupMembership.objects.exists()


def test_a_pending_account_keeps_its_own_profile_export_and_deletion(client, finland):
    pending = MemberFactory(country=finland, status=MemberStatus.PENDING, display_name="Pia")
    client.force_login(pending.user)

    assert client.get("/en/network/me/").status_code == 200
    assert client.get("/en/network/me/export/").status_code == 200
    assert client.get(f"/en/network/members/{pending.pk}/edit/").status_code == 200
    assert client.get("/en/network/me/delete/").status_code == 200
