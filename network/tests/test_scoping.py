"""NCP scoping: a Finnish NCP can do nothing to a Swedish profile, whatever the URL."""

import pytest

from network.factories import MemberFactory, UserFactory
from network.models import AuditAction, AuditLogEntry, MemberStatus

pytestmark = pytest.mark.django_db

ACTIONS = [
    ("approve", {}),
    ("reject", {"reason": "Not a public servant"}),
    ("deactivate", {"reason": "Left"}),
    ("reactivate", {}),
    ("ambassador", {"ambassador": "1"}),
    ("residence", {}),
]


@pytest.mark.parametrize(
    "status", [MemberStatus.PENDING, MemberStatus.ACTIVE, MemberStatus.DEACTIVATED]
)
@pytest.mark.parametrize("action,data", ACTIONS)
def test_finnish_ncp_cannot_act_on_a_swedish_profile(client, ncp_fi, swede, action, data, status):
    swede.status = status
    swede.save()
    client.force_login(ncp_fi.user)

    response = client.post(f"/en/network/members/{swede.pk}/{action}/", data)

    assert response.status_code in (403, 404)
    swede.refresh_from_db()
    assert swede.status == status
    assert not swede.is_ambassador
    assert not AuditLogEntry.objects.exists()


def test_finnish_ncp_cannot_open_or_post_the_edit_page_of_a_swedish_profile(client, ncp_fi, swede):
    client.force_login(ncp_fi.user)

    assert client.get(f"/en/network/members/{swede.pk}/edit/").status_code in (403, 404)
    response = client.post(
        f"/en/network/members/{swede.pk}/edit/",
        {"display_name": "Hacked", "country": "se", "visibility_contact": "members"},
    )

    assert response.status_code in (403, 404)
    swede.refresh_from_db()
    assert swede.display_name == "Sven Svensson"


def test_edit_page_of_an_unknown_member_is_404(client, ncp_fi):
    client.force_login(ncp_fi.user)

    assert client.get("/en/network/members/999999/edit/").status_code == 404


def test_dashboard_lists_only_the_ncps_country(client, ncp_fi, finn, swede, sweden):
    MemberFactory(display_name="Pending Swede", country=sweden, status=MemberStatus.PENDING)
    MemberFactory(display_name="Pending Finn", country=ncp_fi.country, status=MemberStatus.PENDING)
    client.force_login(ncp_fi.user)

    html = client.get("/en/network/ncp/").content.decode()

    assert "Pending Finn" in html
    assert "Aino Virtanen" in html
    assert "Pending Swede" not in html
    assert "Sven Svensson" not in html


def test_dashboard_is_forbidden_to_members_who_are_not_ncps(client, finn):
    client.force_login(finn.user)

    assert client.get("/en/network/ncp/").status_code == 403
    assert client.get("/en/network/ncp/audit/").status_code == 403


def test_a_pending_ncp_has_no_powers(client, finland, finn):
    pending_ncp = MemberFactory(country=finland, ncp_country=finland, status=MemberStatus.PENDING)
    client.force_login(pending_ncp.user)

    assert client.get("/en/network/ncp/").status_code == 403
    assert client.post(f"/en/network/members/{finn.pk}/deactivate/").status_code == 403


def test_audit_log_of_an_ncp_shows_only_their_country(client, ncp_fi, finn, swede, sweden):
    editor = UserFactory(username="editor", is_superuser=True, is_staff=True)
    client.force_login(editor)
    client.post(f"/en/network/members/{swede.pk}/deactivate/", {"reason": "Swedish reason"})
    client.post(f"/en/network/members/{finn.pk}/deactivate/", {"reason": "Finnish reason"})
    client.force_login(ncp_fi.user)

    html = client.get("/en/network/ncp/audit/").content.decode()

    assert "Finnish reason" in html
    assert "Swedish reason" not in html


# Within their country, every action works and is audited in the same transaction.


def test_ncp_approves_a_pending_finn_and_the_action_is_audited(client, ncp_fi, finland):
    applicant = MemberFactory(country=finland, status=MemberStatus.PENDING, display_name="Uusi")
    client.force_login(ncp_fi.user)

    response = client.post(f"/en/network/members/{applicant.pk}/approve/")

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.ACTIVE
    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.action, entry.member, entry.country) == (
        ncp_fi.user,
        AuditAction.APPROVE,
        applicant,
        finland,
    )


def test_an_unconfirmed_applicant_cannot_be_approved(client, ncp_fi, finland):
    applicant = MemberFactory(
        user=UserFactory(verified=False), country=finland, status=MemberStatus.PENDING
    )
    client.force_login(ncp_fi.user)

    client.post(f"/en/network/members/{applicant.pk}/approve/")

    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.PENDING
    assert applicant.display_name not in client.get("/en/network/ncp/").content.decode()


def test_rejection_needs_a_reason_which_the_applicant_sees(client, ncp_fi, finland):
    applicant = MemberFactory(country=finland, status=MemberStatus.PENDING)
    client.force_login(ncp_fi.user)

    client.post(f"/en/network/members/{applicant.pk}/reject/", {"reason": "  "})
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.PENDING

    client.post(
        f"/en/network/members/{applicant.pk}/reject/", {"reason": "Please add your organisation"}
    )
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.REJECTED
    client.force_login(applicant.user)
    assert "Please add your organisation" in client.get("/en/network/me/").content.decode()
    assert AuditLogEntry.objects.get().details == {"reason": "Please add your organisation"}


def test_ncp_deactivates_reactivates_and_names_ambassadors_in_their_country(client, ncp_fi, finn):
    client.force_login(ncp_fi.user)

    client.post(f"/en/network/members/{finn.pk}/ambassador/", {"ambassador": "1"})
    finn.refresh_from_db()
    assert finn.is_ambassador
    client.post(f"/en/network/members/{finn.pk}/deactivate/", {"reason": "On leave"})
    finn.refresh_from_db()
    assert finn.status == MemberStatus.DEACTIVATED
    client.post(f"/en/network/members/{finn.pk}/reactivate/")
    finn.refresh_from_db()
    assert finn.status == MemberStatus.ACTIVE

    assert list(AuditLogEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        AuditAction.AMBASSADOR_NAME,
        AuditAction.DEACTIVATE,
        AuditAction.REACTIVATE,
    ]


def test_ncp_edits_a_finnish_profile_and_the_edit_is_audited(client, ncp_fi, finn):
    client.force_login(ncp_fi.user)

    response = client.post(
        f"/en/network/members/{finn.pk}/edit/",
        {
            "display_name": "Aino V.",
            "organisation": "City of Espoo",
            "visibility_contact": "members",
            **{f"visibility_{name}": "public" for name in ("organisation", "country", "bio")},
        },
    )

    assert response.status_code == 302
    finn.refresh_from_db()
    assert finn.display_name == "Aino V."
    assert finn.country.key == "fi"  # an NCP cannot move the member out of their country
    entry = AuditLogEntry.objects.get()
    assert entry.action == AuditAction.EDIT
    assert "display_name" in entry.details["fields"]


def test_an_owner_editing_their_own_profile_writes_no_audit_row(client, finn):
    client.force_login(finn.user)

    client.post(
        f"/en/network/members/{finn.pk}/edit/",
        {"display_name": "Aino", "country": "fi", "visibility_contact": "members"},
    )

    finn.refresh_from_db()
    assert finn.display_name == "Aino"
    assert not AuditLogEntry.objects.exists()


def test_editor_manages_every_country(client, swede):
    editor = MemberFactory(is_editor=True)
    client.force_login(editor.user)

    client.post(f"/en/network/members/{swede.pk}/ambassador/", {"ambassador": "1"})

    swede.refresh_from_db()
    assert swede.is_ambassador
    assert "Sven Svensson" in client.get("/en/network/ncp/").content.decode()


def test_the_dashboard_scope_says_every_country_one_country_or_none(ncp_fi, finn, finland):
    from network.permissions import managed_countries

    editor = MemberFactory(user=UserFactory(username="editor"), is_editor=True)

    assert managed_countries(editor.user).every_country
    assert managed_countries(editor.user).manages_any
    ncp_scope = managed_countries(ncp_fi.user)
    assert not ncp_scope.every_country
    assert ncp_scope.countries == (finland,)
    assert not managed_countries(finn.user).manages_any
