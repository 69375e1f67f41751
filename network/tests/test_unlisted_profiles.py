"""Service and staff accounts have profiles, but nobody finds them: an unlisted profile is not in
the directory, in search or among the home page's latest members, and the demo's administrator
is unlisted."""

import pytest

from network.demo import load_members
from network.factories import MemberFactory, UserFactory
from network.models import Member
from network.search import member_to_document
from search.engines import get_engine
from search.outbox import outbox_drain
from search.query import SearchQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(db):
    engine = get_engine()
    engine.clear()
    return engine


@pytest.fixture
def service_account(finland):
    return MemberFactory(
        user=UserFactory(username="admin", is_superuser=True, is_staff=True),
        display_name="Kokeilu admin",
        organisation="Kokeilu",
        country=finland,
        listed=False,
    )


def test_real_members_are_listed_by_default(finn):
    assert finn.listed is True
    assert member_to_document(finn) is not None


def test_an_unlisted_profile_is_not_in_search_or_the_directory(
    client, index, finland, service_account
):
    fan = MemberFactory(display_name="Kokeilu fan", organisation="Kokeilu Oy", country=finland)
    outbox_drain()

    search = client.get("/en/search/", {"q": "kokeilu"}).content.decode()
    directory = client.get("/en/network/").content.decode()

    assert fan.get_absolute_url() in search and fan.get_absolute_url() in directory
    assert service_account.get_absolute_url() not in search
    assert service_account.get_absolute_url() not in directory
    assert member_to_document(service_account) is None


def test_an_unlisted_profile_is_not_a_latest_member_on_the_home_page(
    index, finland, service_account
):
    from portal.selectors import home_overview

    MemberFactory(display_name="Real Person", country=finland)
    outbox_drain()

    latest = {group["kind"]: group["documents"] for group in home_overview()["latest"]}

    assert [document.title for document in latest["member"]] == ["Real Person"]


def test_unlisting_a_profile_takes_it_out_of_the_index(finn, index):
    outbox_drain()
    assert index.search(SearchQuery(kinds=("member",))).total == 1

    finn.listed = False
    finn.save()
    outbox_drain()

    assert index.search(SearchQuery(kinds=("member",))).total == 0


def test_the_unlisted_profile_page_still_opens(client, service_account):
    assert client.get(service_account.get_absolute_url()).status_code == 200


def test_a_staff_account_gets_an_unlisted_profile_on_its_first_visit(client, db):
    staff = UserFactory(username="editor-desk", is_staff=True)
    client.force_login(staff)

    client.get("/en/network/me/")

    assert Member.objects.get(user=staff).listed is False


def test_the_demo_administrator_is_unlisted_and_everyone_else_listed(db, finland, sweden):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("admin", "admin@example.org", "x")

    load_members(None, limit=3)

    admin = Member.objects.get(user__username="admin")
    assert admin.display_name == "Kokeilu admin" and admin.listed is False
    assert Member.objects.filter(listed=False).count() == 1


def test_a_demo_loaded_before_unlisting_is_completed(db, finland, sweden):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("admin", "admin@example.org", "x")
    load_members(None, limit=1)
    Member.objects.filter(user__username="admin").update(listed=True)  # as an older demo left it

    load_members(None, limit=1)

    assert Member.objects.get(user__username="admin").listed is False
