"""Groups: open, by request, by invitation; single-use, expiring invitation tokens."""

import datetime
import re

from django.core import mail
from django.utils import timezone

import pytest

from network.factories import GroupFactory, GroupMembershipFactory, MemberFactory
from network.groups.services import invitation_create
from network.models import GroupMembership, GroupPolicy, Invitation, MemberStatus

pytestmark = pytest.mark.django_db


def test_member_creates_a_group_and_is_its_facilitator(client, finn):
    client.force_login(finn.user)

    response = client.post(
        "/en/network/groups/new/",
        {
            "name": "Nordic sandbox",
            "description": "<p>Try <script>x</script></p>",
            "policy": "open",
        },
    )

    membership = GroupMembership.objects.get()
    assert response["Location"] == "/en/network/groups/nordic-sandbox/"
    assert membership.role == "facilitator"
    assert membership.group.description == "<p>Try </p>"


def test_pending_members_cannot_create_groups(client, finland):
    pending = MemberFactory(country=finland, status=MemberStatus.PENDING)
    client.force_login(pending.user)

    assert (
        client.post("/en/network/groups/new/", {"name": "x", "policy": "open"}).status_code == 403
    )


def test_open_group_is_joined_at_once(client, finn):
    group = GroupFactory(policy=GroupPolicy.OPEN)
    client.force_login(finn.user)

    client.post(f"/en/network/groups/{group.slug}/join/")

    assert GroupMembership.objects.get().status == "active"


def test_request_group_waits_for_a_facilitator(client, finn, swede):
    group = GroupFactory(policy=GroupPolicy.REQUEST)
    GroupMembershipFactory(group=group, member=swede, role="facilitator")
    client.force_login(finn.user)
    client.post(f"/en/network/groups/{group.slug}/join/")
    request = GroupMembership.objects.get(member=finn)
    assert request.status == "requested"

    # another plain member cannot decide
    other = MemberFactory(country=finn.country)
    GroupMembershipFactory(group=group, member=other)
    client.force_login(other.user)
    assert (
        client.post(
            f"/en/network/groups/{group.slug}/requests/{request.pk}/", {"accept": "1"}
        ).status_code
        == 403
    )

    client.force_login(swede.user)
    assert "Aino Virtanen" in client.get(group.get_absolute_url()).content.decode()
    client.post(f"/en/network/groups/{group.slug}/requests/{request.pk}/", {"accept": "1"})
    request.refresh_from_db()
    assert request.status == "active"


def test_invitation_only_group_refuses_joining(client, finn):
    group = GroupFactory(policy=GroupPolicy.INVITATION)
    client.force_login(finn.user)

    assert client.post(f"/en/network/groups/{group.slug}/join/").status_code == 403
    assert not GroupMembership.objects.exists()


def test_invitation_is_emailed_and_works_once(
    client, finn, swede, django_capture_on_commit_callbacks
):
    group = GroupFactory(policy=GroupPolicy.INVITATION)
    GroupMembershipFactory(group=group, member=swede, role="facilitator")
    client.force_login(swede.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/network/groups/{group.slug}/invite/", {"email": "aino@example.org"})
    link = re.search(r"(/en/network/invitations/[^/\s]+/)", mail.outbox[0].body).group(1)
    token = link.split("/")[-2]
    assert not Invitation.objects.filter(token_hash=token).exists()  # only the hash is stored

    client.force_login(finn.user)
    assert client.post(link).status_code == 302
    assert GroupMembership.objects.filter(group=group, member=finn).exists()

    third = MemberFactory(country=finn.country)
    client.force_login(third.user)
    response = client.post(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not GroupMembership.objects.filter(group=group, member=third).exists()


def test_invitation_expires(client, finn, swede):
    group = GroupFactory(policy=GroupPolicy.INVITATION)
    GroupMembershipFactory(group=group, member=swede, role="facilitator")
    token = invitation_create(actor=swede.user, group=group, email="aino@example.org")
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(finn.user)

    response = client.post(f"/en/network/invitations/{token}/")

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not GroupMembership.objects.filter(group=group, member=finn).exists()


def test_unknown_token_is_refused(client, finn):
    client.force_login(finn.user)

    assert client.get("/en/network/invitations/made-up-token/").status_code == 410


def test_only_facilitators_invite_to_invitation_only_groups(client, finn, swede):
    group = GroupFactory(policy=GroupPolicy.INVITATION)
    GroupMembershipFactory(group=group, member=finn)
    client.force_login(finn.user)

    assert (
        client.post(
            f"/en/network/groups/{group.slug}/invite/", {"email": "x@example.org"}
        ).status_code
        == 403
    )
    assert not Invitation.objects.exists()
