"""Privacy: a member downloads what the site holds about them, and deletes their account."""

import json

from django.contrib.auth import get_user_model

import pytest
from allauth.account.models import EmailAddress

from network.factories import PASSWORD, GroupMembershipFactory, MemberFactory
from network.models import AuditLogEntry, Member, MemberStatus
from network.services import member_deactivate

pytestmark = pytest.mark.django_db


def test_export_holds_everything_about_the_member_even_private_fields(client, swede, home_page):
    GroupMembershipFactory(member=swede, group__name="Nordic experimenters")
    editor = MemberFactory(is_editor=True)
    member_deactivate(actor=editor.user, member=swede, reason="test")
    page = home_page.get_children().first() or home_page
    page.owner = swede.user
    page.save()
    client.force_login(swede.user)

    response = client.get("/en/network/me/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "swede"
    assert data["account"]["email_addresses"][0]["email"] == "swede@example.org"
    assert data["profile"]["municipality"] == "Secretville"  # private, but theirs
    assert data["profile"]["phone"] == "+46 555 0100"
    assert data["groups"][0]["group"] == "Nordic experimenters"
    assert data["decisions_about_you"][0]["action"] == "deactivate"
    assert any(row["title"] == page.title for row in data["contributions"])


def test_export_needs_a_signed_in_member(client):
    response = client.get("/en/network/me/export/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_deleting_the_account_needs_the_password(client, finn):
    client.force_login(finn.user)

    response = client.post("/en/network/me/delete/", {"password": "wrong", "confirm": "on"})

    assert response.status_code == 400
    finn.refresh_from_db()
    assert finn.status == MemberStatus.ACTIVE


def test_deleting_the_account_removes_personal_data_and_keeps_contributions(
    client, finn, home_page
):
    GroupMembershipFactory(member=finn)
    home_page.owner = finn.user
    home_page.save()
    AuditLogEntry.objects.create(
        actor_name="x", action="approve", member=finn, member_name="Aino Virtanen"
    )
    client.force_login(finn.user)

    response = client.post("/en/network/me/delete/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    member = Member.objects.get(pk=finn.pk)  # stays, so that contributions keep a name
    assert str(member) == "Former member"
    assert member.organisation == member.contact_email == member.bio == ""
    assert member.country is None
    assert not member.memberships.exists()
    user = get_user_model().objects.get(pk=finn.user_id)
    assert not user.is_active and user.email == "" and user.username != "finn"
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert AuditLogEntry.objects.get().member_name == "Former member"
    home_page.refresh_from_db()
    assert home_page.owner_id == user.pk  # the published page stays
    assert "_auth_user_id" not in client.session
    assert client.get(member.get_absolute_url()).status_code == 404
    assert (
        client.post("/en/accounts/login/", {"login": "finn", "password": PASSWORD}).status_code
        == 200
    )
    assert "_auth_user_id" not in client.session
