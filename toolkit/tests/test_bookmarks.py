"""Members save resources to their profile and mark "we used it"; the page counts the uses."""

from django.core.exceptions import PermissionDenied
from django.test import Client

import pytest

from network.factories import MemberFactory
from network.models import MemberStatus
from network.selectors import member_export
from toolkit.factories import ResourcePageFactory
from toolkit.models import ResourceBookmark
from toolkit.services import resource_mark_used, resource_save, resource_unsave

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(index):
    return ResourcePageFactory(parent=index, title="Journey mapping", slug="journey-mapping")


@pytest.fixture
def member(db):
    return MemberFactory(display_name="Aino Member")


@pytest.fixture
def member_client(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    return client


def _post(client: Client, url: str):
    """Submit a form as a browser would: read the page for its CSRF token, then POST."""
    client.get(url.rsplit("/", 2)[0] + "/")
    return client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_member_saves_and_unsaves_a_resource_from_its_page(member, member_client, resource):
    page = member_client.get(resource.url).content.decode()
    assert f'action="{resource.url}save/"' in page
    assert "Save to my profile" in page

    response = _post(member_client, f"{resource.url}save/")

    assert response.status_code == 302
    assert response["Location"] == f"{resource.url}#member-marks"
    page = member_client.get(resource.url).content.decode()
    assert "Saved to your profile." in page
    assert f'action="{resource.url}unsave/"' in page
    profile = member_client.get(member.get_absolute_url()).content.decode()
    assert "Your saved toolkit resources" in profile
    assert f'href="{resource.url}">Journey mapping</a>' in profile

    _post(member_client, f"{resource.url}unsave/")

    assert not ResourceBookmark.objects.exists()
    assert "Journey mapping" not in member_client.get(member.get_absolute_url()).content.decode()


def test_post_without_csrf_token_is_refused(member_client, resource):
    response = member_client.post(f"{resource.url}save/")

    assert response.status_code == 403
    assert not ResourceBookmark.objects.exists()


def test_saving_is_only_by_post(member_client, resource):
    assert member_client.get(f"{resource.url}save/").status_code == 405


def test_we_used_it_shows_as_a_count_to_anonymous_visitors(client, member_client, resource):
    assert "Used by 0 members" in client.get(resource.url).content.decode()
    for other in MemberFactory.create_batch(2):
        resource_mark_used(member=other, resource=resource)

    _post(member_client, f"{resource.url}used/")

    page = client.get(resource.url).content.decode()
    assert "Used by 3 members" in page
    assert "Aino Member" not in page  # who used it stays private
    assert "Sign in to save this resource" in page
    own_page = member_client.get(resource.url).content.decode()
    assert f'action="{resource.url}unused/"' in own_page
    assert 'aria-pressed="true"' in own_page

    _post(member_client, f"{resource.url}unused/")

    assert "Used by 2 members" in client.get(resource.url).content.decode()


def test_used_mark_survives_unsaving_and_is_counted_once(member, resource):
    resource_save(member=member, resource=resource)
    resource_mark_used(member=member, resource=resource)
    resource_mark_used(member=member, resource=resource)
    resource_save(member=member, resource=resource)

    bookmark = resource_unsave(member=member, resource=resource)

    assert bookmark is not None and bookmark.used and not bookmark.saved
    assert resource.bookmarks.filter(used=True).count() == 1


@pytest.mark.parametrize(
    "status", [MemberStatus.PENDING, MemberStatus.REJECTED, MemberStatus.DEACTIVATED]
)
def test_member_who_is_not_active_is_refused_with_a_message(resource, status):
    pending = MemberFactory(status=status)
    client = Client()
    client.force_login(pending.user)

    response = client.post(f"{resource.url}used/", follow=True)

    assert "Only active members can save resources" in response.content.decode()
    assert "Used by 0 members" in response.content.decode()
    assert not ResourceBookmark.objects.exists()
    with pytest.raises(PermissionDenied):
        resource_save(member=pending, resource=resource)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (MemberStatus.PENDING, "Your membership is waiting for approval"),
        (MemberStatus.DEACTIVATED, "Your membership has been deactivated"),
    ],
)
def test_the_page_says_why_instead_of_offering_the_marks(resource, status, reason):
    client = Client()
    client.force_login(MemberFactory(status=status).user)

    page = client.get(resource.url).content.decode()

    assert reason in page
    assert "Save to my profile" not in page and "We used it</button>" not in page


def test_signed_in_user_without_profile_is_refused(django_user_model, resource):
    client = Client()
    client.force_login(django_user_model.objects.create_user("noprofile", password="x"))

    response = client.post(f"{resource.url}save/", follow=True)

    assert "Only active members can save resources" in response.content.decode()
    assert not ResourceBookmark.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, resource):
    response = client.post(f"{resource.url}save/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert response["Location"].endswith(f"next={resource.url}")
    assert not ResourceBookmark.objects.exists()


def test_saved_list_is_private_to_the_member(member, resource):
    resource_save(member=member, resource=resource)
    viewer = MemberFactory()
    client = Client()
    client.force_login(viewer.user)

    profile = client.get(member.get_absolute_url()).content.decode()

    assert "Aino Member" in profile
    assert "Journey mapping" not in profile
    assert "Journey mapping" not in Client().get(member.get_absolute_url()).content.decode()


def test_bookmarks_are_in_the_members_data_export(member, resource):
    resource_save(member=member, resource=resource)
    resource_mark_used(member=member, resource=resource)

    rows = member_export(member=member)["contributions"]

    assert {
        "type": "saved resource",
        "relation": "member",
        "id": ResourceBookmark.objects.get().pk,
        "title": "Journey mapping (saved, we used it)",
        "url": "",
    } in rows


def test_resource_page_queries_do_not_grow_with_marks(
    member, member_client, index, resource, django_assert_max_num_queries
):
    resource_save(member=member, resource=resource)
    member_client.get(resource.url)  # warm the site and routing caches
    # Wagtail serving the page (site, tree, restrictions, settings) is about 20 queries; the
    # marks add two: the count and the member's own mark.

    with django_assert_max_num_queries(25) as few:
        member_client.get(resource.url)
    for other in MemberFactory.create_batch(5):
        resource_mark_used(member=other, resource=resource)
        resource_save(member=other, resource=resource)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = member_client.get(resource.url).content.decode()
    assert "Used by 5 members" in page


def test_deleting_the_account_drops_the_saved_list_but_keeps_the_anonymous_use_count(member, index):
    from network.services import member_delete

    used = ResourcePageFactory(parent=index, title="Service safari", slug="service-safari")
    only_saved = ResourcePageFactory(parent=index, title="Empathy map", slug="empathy-map")
    resource_save(member=member, resource=used)
    resource_mark_used(member=member, resource=used)
    resource_save(member=member, resource=only_saved)

    member_delete(member=member)

    assert not ResourceBookmark.objects.filter(member=member, saved=True).exists()
    assert used.bookmarks.filter(used=True).count() == 1
    assert not only_saved.bookmarks.exists()
