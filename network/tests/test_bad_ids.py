"""Ids posted to the profile and group forms that are not ids, or too big for any database:
a form error that keeps what was typed, never a server error (SQLite and PostgreSQL)."""

import pytest

from network.models import Group
from portal.models import Theme

pytestmark = pytest.mark.django_db

BAD_IDS = ["99999999999999999999", str(2**63), "-99999999999999999999", "abc", "1.5"]


@pytest.mark.parametrize("field", ["methods", "themes"])
@pytest.mark.parametrize("raw", BAD_IDS)
def test_profile_form_refuses_an_oversize_vocabulary_id(client, finn, field, raw):
    client.force_login(finn.user)

    response = client.post(
        f"/en/network/members/{finn.pk}/edit/",
        {"display_name": "Typed name", "country": "fi", field: [raw]},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html or "is not a valid value" in html
    assert 'value="Typed name"' in html
    finn.refresh_from_db()
    assert finn.display_name == "Aino Virtanen"


@pytest.mark.parametrize("raw", BAD_IDS)
def test_group_form_refuses_an_oversize_theme_id(client, finn, raw):
    theme = Theme.objects.create(key="health-h4", name="Health")
    client.force_login(finn.user)

    response = client.post(
        "/en/network/groups/new/",
        {"name": "Nordic sandbox", "policy": "open", "themes": [str(theme.pk), raw]},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html or "is not a valid value" in html
    assert not Group.objects.exists()


@pytest.mark.parametrize("raw", ["99999999999999999999", str(2**63)])
@pytest.mark.parametrize("path", ["", "edit/", "approve/", "deactivate/", "residence/"])
def test_an_oversize_member_id_in_the_url_is_not_found(client, ncp_fi, raw, path):
    client.force_login(ncp_fi.user)

    send = client.post if path in ("approve/", "deactivate/", "residence/") else client.get
    assert send(f"/en/network/members/{raw}/{path}").status_code == 404
