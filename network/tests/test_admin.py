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
