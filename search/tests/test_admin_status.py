"""*Settings > Search index*: what an administrator sees and the "send now" button."""

import pytest

from network.factories import UserFactory
from search.models import OutboxEntry
from search.osmem import osmem_free_port

URL = "/admin/search_index/"


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_an_administrator_sees_documents_per_kind_and_the_backlog(
    admin_client, test_kind, make_page, indexed
):
    make_page("Waiting")  # saved after the index was filled: one outbox row

    page = admin_client.get(URL).content.decode()

    assert "Answers; holds 10 documents." in page
    assert "<code>testpage</code>" in page
    assert "1 change waits for the engine." in page
    assert "Send the waiting changes now" in page
    assert "/admin/search_index/" in admin_client.get("/admin/").content.decode()  # the menu


def test_send_now_empties_the_outbox(admin_client, test_kind, make_page, database_engine):
    for n in range(3):
        make_page(f"Page {n}")
    assert OutboxEntry.objects.count() == 3

    response = admin_client.post(URL, follow=True)

    assert OutboxEntry.objects.count() == 0
    assert "Sent: 3 documents indexed, 0 removed; 0 wait." in response.content.decode()


def test_an_engine_that_does_not_answer_is_named_and_nothing_is_lost(
    admin_client, test_kind, make_page, settings
):
    make_page("Pilot")
    settings.SEARCH_URL = (
        f"opensearch://ada:topsecret@127.0.0.1:{osmem_free_port()}/kokeilu?timeout=1"
    )

    page = admin_client.get(URL).content.decode()
    response = admin_client.post(URL, follow=True).content.decode()

    assert "Does not answer:" in page
    assert "topsecret" not in page and "ada" not in page
    assert "opensearch://127.0.0.1:" in page
    assert "did not answer" in response
    assert OutboxEntry.objects.count() == 1


def test_admin_users_without_the_permission_are_refused(client, db):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="editor", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert URL not in dashboard.content.decode()  # no menu item
    assert client.get(URL).status_code in (302, 403)
    assert client.post(URL).status_code in (302, 403)
