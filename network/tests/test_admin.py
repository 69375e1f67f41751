"""Administrators name NCPs and editors in the Wagtail admin and read the audit log there."""

import pytest

from network.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_members_and_names_an_ncp(client, finn, finland):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)

    assert "Aino Virtanen" in client.get("/admin/snippets/network/member/").content.decode()
    edit_url = f"/admin/snippets/network/member/edit/{finn.pk}/"
    assert client.get(edit_url).status_code == 200
    client.post(edit_url, {"ncp_country": finland.pk, "is_editor": ""})

    finn.refresh_from_db()
    assert finn.ncp_country == finland
    assert client.get("/admin/snippets/network/auditlogentry/").status_code == 200


def test_plain_members_cannot_open_the_admin_lists(client, finn):
    client.force_login(finn.user)

    assert client.get("/admin/snippets/network/member/").status_code in (302, 403)


def test_role_changes_in_the_admin_are_audited_with_old_and_new_values(client, finn, finland):
    from network.models import AuditAction, AuditLogEntry

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    edit_url = f"/admin/snippets/network/member/edit/{finn.pk}/"

    client.post(edit_url, {"ncp_country": finland.pk, "is_editor": "on"})
    client.post(edit_url, {"ncp_country": finland.pk, "is_editor": "on"})  # nothing changes

    entries = list(AuditLogEntry.objects.filter(member=finn, action=AuditAction.ROLES))
    assert len(entries) == 1
    assert entries[0].actor == admin
    assert entries[0].details == {
        "roles": {"ncp_country": ["", finland.key], "is_editor": [False, True]}
    }

    client.post(edit_url, {"ncp_country": "", "is_editor": "on", "is_ambassador": "on"})

    latest = AuditLogEntry.objects.filter(member=finn, action=AuditAction.ROLES).first()
    assert latest.details == {
        "roles": {"ncp_country": [finland.key, ""], "is_ambassador": [False, True]}
    }
    listing = client.get("/admin/snippets/network/auditlogentry/").content.decode()
    assert "changed the roles" in listing


def test_nobody_edits_or_deletes_the_audit_log_in_the_admin(client, finn, finland):
    from network.models import AuditLogEntry

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    client.post(
        f"/admin/snippets/network/member/edit/{finn.pk}/",
        {"ncp_country": finland.pk, "is_editor": ""},
    )
    entry = AuditLogEntry.objects.get(member=finn)
    base = "/admin/snippets/network/auditlogentry"

    assert client.get(f"{base}/").status_code == 200
    assert client.get(f"{base}/inspect/{entry.pk}/").status_code == 200
    assert client.get(f"{base}/edit/{entry.pk}/").status_code in (302, 403)
    client.post(f"{base}/edit/{entry.pk}/", {"details": "{}"})
    assert client.get(f"{base}/delete/{entry.pk}/").status_code in (302, 403)
    client.post(f"{base}/delete/{entry.pk}/")
    client.post(f"/admin/bulk/network/auditlogentry/delete/?next=%2Fadmin%2F&id={entry.pk}", {})

    entry.refresh_from_db()  # still there, unchanged
    assert entry.details["roles"]["ncp_country"] == ["", finland.key]
    listing = client.get(f"{base}/").content.decode()
    assert f"{base}/delete/{entry.pk}/" not in listing
