"""The directory at /network/: members and groups through the knowledge index; the demo."""

import pytest

from network.demo import load_members
from network.factories import GroupFactory, MemberFactory
from network.models import Member, MemberStatus
from search.engines import get_engine
from search.outbox import outbox_drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(db):
    engine = get_engine()
    engine.clear()
    return engine


def test_directory_lists_active_members_and_groups_with_facets(client, index, finland, sweden):
    MemberFactory(
        display_name="Active Finn", country=finland, skills=["curiosity"], offering=["mentoring"]
    )
    MemberFactory(display_name="Pending Swede", country=sweden, status=MemberStatus.PENDING)
    GroupFactory(name="Nordic sandbox")
    outbox_drain()

    html = client.get("/en/network/").content.decode()

    assert "Active Finn" in html and "Nordic sandbox" in html
    assert "Pending Swede" not in html
    for facet in ("Country", "Core skill", "Offering", "Role"):
        assert f"<legend>{facet}</legend>" in html
    assert "Curiosity" in html  # the skill's label, not its key


def test_directory_filters_by_facets(client, index, finland, sweden):
    MemberFactory(display_name="Mentor Finn", country=finland, offering=["mentoring"])
    MemberFactory(display_name="Data Swede", country=sweden, offering=["data"])
    outbox_drain()

    html = client.get("/en/network/", {"offering": "mentoring"}).content.decode()

    assert "Mentor Finn" in html
    assert "Data Swede" not in html
    assert client.get("/en/network/", {"country": "<bad>"}).status_code == 400


def _directory_queries(client, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get("/en/network/").status_code == 200
    return len(captured.captured_queries)


def test_directory_query_count_does_not_grow_with_results(
    client, index, finland, django_assert_max_num_queries
):
    def add_member():
        MemberFactory(
            country=finland, skills=["iteration"], offering=["data"], looking_for=["data"]
        )

    add_member()
    GroupFactory()
    outbox_drain()
    client.get("/en/network/")  # warm the caches (site settings, navigation)
    few = _directory_queries(client, django_assert_max_num_queries, 30)
    for _ in range(15):
        add_member()
    GroupFactory()
    outbox_drain()

    assert _directory_queries(client, django_assert_max_num_queries, 30) == few


def test_dashboard_query_count_does_not_grow_with_members(
    client, ncp_fi, finland, django_assert_max_num_queries
):
    client.force_login(ncp_fi.user)
    MemberFactory(country=finland, status=MemberStatus.PENDING)
    client.get("/en/network/ncp/")  # warm the caches (site settings, navigation)
    with django_assert_max_num_queries(30) as few:
        client.get("/en/network/ncp/")
    for _ in range(10):
        MemberFactory(country=finland)
        MemberFactory(country=finland, status=MemberStatus.PENDING)
    with django_assert_max_num_queries(30) as many:
        client.get("/en/network/ncp/")

    assert len(many.captured_queries) == len(few.captured_queries)


def test_demo_loader_is_idempotent_and_completes_existing_accounts(db, finland, sweden):
    from django.contrib.auth import get_user_model

    from portal.models.taxonomy import Country

    for key, name in (("gb", "United Kingdom"), ("de", "Germany")):
        Country.objects.get_or_create(key=key, defaults={"name": name})
    get_user_model().objects.create_user("member-fi", "")  # made by another loader

    created = load_members(None, limit=5)
    again = load_members(None, limit=5)

    assert again == 0
    assert created == Member.objects.count()
    member = Member.objects.get(user__username="member-fi")
    assert member.status == MemberStatus.ACTIVE and member.country == finland
    assert member.user.check_password("kokeilu-demo") is False  # an existing password is kept
    ncp = Member.objects.get(user__username="ncp-se")
    assert ncp.ncp_country == sweden and ncp.user.check_password("kokeilu-demo")


def test_profile_shows_members_who_offer_what_it_looks_for(client, index, finland, sweden):
    seeker = MemberFactory(display_name="Seeker", country=finland, looking_for=["mentoring"])
    MemberFactory(display_name="Mentor Swede", country=sweden, offering=["mentoring"])
    MemberFactory(display_name="Data Dane", country=sweden, offering=["data"])
    outbox_drain()

    html = client.get(seeker.get_absolute_url()).content.decode()

    assert "Mentor Swede" in html
    assert "Data Dane" not in html


def test_demo_loader_refuses_production_settings(db, settings):
    from portal.demo import DemoRefused

    settings.SETTINGS_MODULE = "portal.settings.production"

    with pytest.raises(DemoRefused):
        load_members(None)
    assert not Member.objects.exists()
