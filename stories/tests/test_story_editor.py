"""The story editor as an ambassador meets it (issue 17): the author and country are found by
typing, the author defaults to the ambassador writing, only the author gives consent, a new
story starts with the most private disclosure, autosave and a second "create" do not collide,
"Kind of story" offers no empty choice, and "Write a story" is offered where they look."""

import json
import threading

from django.db import connection, connections
from django.test import Client
from django.urls import reverse

import pytest

from network.factories import CountryFactory, MemberFactory, UserFactory
from network.models import MemberStatus
from stories.factories import StoryIndexPageFactory, StoryPageFactory
from stories.forms.stories import StoryShareForm
from stories.models import StoryPage
from stories.permissions import ambassador_group_sync
from stories.tests.test_story_admin import _create, _story_form
from stories.vocabularies import Disclosure

pytestmark = pytest.mark.django_db

AUTHOR_RESULTS = "/admin/story_author_chooser/results/"
COUNTRY_RESULTS = "/admin/story_country_chooser/results/"


@pytest.fixture
def ambassador(index):
    member = MemberFactory(
        user=UserFactory(username="aino"), display_name="Aino Ambassador", is_ambassador=True
    )
    ambassador_group_sync(member)
    return member


@pytest.fixture
def colleague(db):
    return MemberFactory(display_name="Ilmatar Väinämöinen", organisation="City of Oulu")


def _add_url(index) -> str:
    return f"/admin/pages/add/stories/storypage/{index.pk}/"


# -- 1. searchable choosers, the ambassador as default author


def test_the_author_chooser_finds_a_member_by_typing(client, ambassador, colleague):
    for number in range(30):
        MemberFactory(display_name=f"Member {number:02}")
    client.force_login(ambassador.user)

    modal = client.get("/admin/story_author_chooser/")
    found = client.get(AUTHOR_RESULTS, {"q": "ilma"})

    assert modal.status_code == 200
    assert 'name=\\"q\\"' in modal.content.decode()  # a search box in the modal
    assert "Ilmatar Väinämöinen" in found.content.decode()
    assert "City of Oulu" in found.content.decode()
    assert "Member 01" not in found.content.decode()
    assert "Ilmatar" in client.get(AUTHOR_RESULTS, {"q": "oulu"}).content.decode()


def test_the_author_chooser_offers_no_inactive_or_unlisted_profile(client, ambassador):
    pending = MemberFactory(display_name="Pending Pekka", status=MemberStatus.PENDING)
    service = MemberFactory(display_name="Service Account", listed=False)
    client.force_login(ambassador.user)

    listing = client.get(AUTHOR_RESULTS).content.decode()

    assert "Aino Ambassador" in listing
    assert "Pending Pekka" not in listing
    assert "Service Account" not in listing
    for member in (pending, service):
        assert client.get(f"/admin/story_author_chooser/chosen/{member.pk}/").status_code == 404
    assert client.get(f"/admin/story_author_chooser/chosen/{ambassador.pk}/").status_code == 200


def test_the_country_chooser_finds_finland_by_typing(client, ambassador):
    CountryFactory(key="fi", name="Finland", alpha3="FIN")
    CountryFactory(key="fj", name="Fiji", alpha3="FJI")
    CountryFactory(key="fr", name="France", alpha3="FRA")
    client.force_login(ambassador.user)

    by_name = client.get(COUNTRY_RESULTS, {"q": "finl"}).content.decode()
    by_code = client.get(COUNTRY_RESULTS, {"q": "fin"}).content.decode()

    assert "Finland" in by_name and "Fiji" not in by_name and "France" not in by_name
    assert "Finland" in by_code and "France" not in by_code


def test_the_story_editor_uses_the_searchable_choosers(client, index, ambassador):
    client.force_login(ambassador.user)

    html = client.get(_add_url(index)).content.decode()

    assert "/admin/story_author_chooser/" in html
    assert "/admin/story_country_chooser/" in html


def test_a_new_story_names_the_ambassador_writing_it_as_author(client, index, ambassador):
    client.force_login(ambassador.user)

    form = client.get(_add_url(index)).context["form"]

    assert form["author"].value() == ambassador.pk


# -- 2. only the author gives consent


def test_an_ambassador_cannot_tick_consent_for_another_member(client, index, ambassador, colleague):
    client.force_login(ambassador.user)
    data = _story_form("Their slip-up", consent=True, author=colleague.pk)

    response = _create(client, index, {**data, "action-publish": "1"})

    assert response.status_code == 200
    assert "Only Ilmatar Väinämöinen can agree" in response.content.decode()
    assert not StoryPage.objects.filter(title="Their slip-up").exists()


def test_a_story_for_another_member_waits_for_their_consent(client, index, ambassador, colleague):
    client.force_login(ambassador.user)

    saved = _create(client, index, _story_form("For Ilmatar", consent=False, author=colleague.pk))
    story = StoryPage.objects.get(title="For Ilmatar")
    published = client.post(
        f"/admin/pages/{story.pk}/edit/",
        {**_story_form("For Ilmatar", consent=False, author=colleague.pk), "action-publish": "1"},
    )

    assert saved.status_code == 302
    assert story.author == colleague and not story.disclosure_consent
    assert published.status_code == 200
    assert "the story waits for them" in published.content.decode()
    story.refresh_from_db()
    assert not story.live


def test_the_author_gives_their_own_consent(client, index, ambassador):
    client.force_login(ambassador.user)
    data = _story_form("My own", consent=True, author=ambassador.pk)

    response = _create(client, index, {**data, "action-publish": "1"})

    assert response.status_code == 302
    story = StoryPage.objects.get(title="My own")
    assert story.live and story.disclosure_consent and story.author == ambassador


def test_an_editor_keeps_the_authors_consent_but_cannot_give_it(client, index, colleague):
    editor = UserFactory(username="editor", is_superuser=True, is_staff=True)
    consented = StoryPageFactory(
        parent=index, title="Agreed", author=colleague, disclosure_consent=True
    )
    awaiting = StoryPageFactory(
        parent=index, title="Awaiting", author=colleague, disclosure_consent=False
    )
    client.force_login(editor)

    edit_page = client.get(f"/admin/pages/{awaiting.pk}/edit/").content.decode()
    kept = client.post(
        f"/admin/pages/{consented.pk}/edit/",
        _story_form("Agreed", consent=False, author=colleague.pk, disclosure="public-named"),
    )
    forced = client.post(
        f"/admin/pages/{awaiting.pk}/edit/",
        _story_form("Awaiting", consent=True, author=colleague.pk, disclosure="public-named"),
    )

    assert 'name="disclosure_consent"' in edit_page and "disabled" in edit_page
    assert kept.status_code == forced.status_code == 302
    assert StoryPage.objects.get(pk=consented.pk).get_latest_revision_as_object().disclosure_consent
    assert (
        not StoryPage.objects.get(pk=awaiting.pk).get_latest_revision_as_object().disclosure_consent
    )


def test_changing_the_disclosure_undoes_the_authors_consent_for_an_editor(client, index, colleague):
    editor = UserFactory(username="editor", is_superuser=True, is_staff=True)
    story = StoryPageFactory(
        parent=index, title="Agreed", author=colleague, disclosure_consent=True
    )
    client.force_login(editor)

    client.post(
        f"/admin/pages/{story.pk}/edit/",
        _story_form("Agreed", consent=True, author=colleague.pk, disclosure="members"),
    )

    draft = StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object()
    assert draft.disclosure == Disclosure.MEMBERS and not draft.disclosure_consent


def test_the_author_agrees_on_their_membership_page_and_the_story_can_go_live(
    client, index, ambassador, colleague
):
    client.force_login(ambassador.user)
    _create(client, index, _story_form("For Ilmatar", consent=False, author=colleague.pk))
    story = StoryPage.objects.get(title="For Ilmatar")
    client.force_login(colleague.user)

    me = client.get(reverse("network:me")).content.decode()
    consent_url = index.url + index.reverse_subpage("consent", args=[story.pk])
    page = client.get(consent_url)
    agreed = client.post(consent_url, {"disclosure": "members", "consent": "on"})
    client.force_login(ambassador.user)
    published = client.post(
        f"/admin/pages/{story.pk}/edit/",
        {
            **_story_form("For Ilmatar", consent=False, author=colleague.pk, disclosure="members"),
            "action-publish": "1",
        },
    )

    assert "Stories waiting for your consent" in me and consent_url in me
    assert page.status_code == 200 and "We tried." in page.content.decode()
    assert agreed.status_code == 302
    assert published.status_code == 302, published.context["form"].errors
    story.refresh_from_db()
    assert story.live and story.disclosure == Disclosure.MEMBERS and story.disclosure_consent
    assert consent_url not in client.get(reverse("network:me")).content.decode()


def test_nobody_but_the_author_opens_the_consent_page(client, index, ambassador, colleague):
    story = StoryPageFactory(parent=index, author=colleague, disclosure_consent=False)
    consent_url = index.url + index.reverse_subpage("consent", args=[story.pk])
    client.force_login(ambassador.user)

    seen = client.get(consent_url)
    sent = client.post(consent_url, {"disclosure": "public-named", "consent": "on"})

    assert seen.status_code == sent.status_code == 404
    assert not StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object().disclosure_consent


# -- 3. the most private disclosure by default


def test_a_new_story_starts_with_the_disclosure_that_names_nobody(client, index, ambassador):
    client.force_login(ambassador.user)

    form = client.get(_add_url(index)).context["form"]

    assert form["disclosure"].value() == Disclosure.PUBLIC_ANONYMOUS
    assert StoryPage().disclosure == Disclosure.PUBLIC_ANONYMOUS
    assert StoryShareForm()["disclosure"].value() == Disclosure.PUBLIC_ANONYMOUS


def test_an_autosaved_draft_keeps_the_disclosure_that_names_nobody(client, index, ambassador):
    client.force_login(ambassador.user)
    data = _story_form("Autosaved", consent=False)
    del data["disclosure"]  # nothing chosen yet

    client.post(_add_url(index), data, HTTP_ACCEPT="application/json")

    assert StoryPage.objects.get(title="Autosaved").disclosure == Disclosure.PUBLIC_ANONYMOUS


# -- 4. autosave, then "create" again


def test_create_after_autosave_takes_a_free_address_instead_of_failing(client, index, ambassador):
    client.force_login(ambassador.user)
    data = _story_form("Our slip-up", consent=False)

    autosave = client.post(_add_url(index), data, HTTP_ACCEPT="application/json")
    again = _create(client, index, data)

    assert autosave.status_code == 200 and json.loads(autosave.content)["success"]
    assert again.status_code == 302, again.context["form"].errors
    assert sorted(StoryPage.objects.values_list("slug", flat=True)) == [
        "our-slip-up",
        "our-slip-up-2",
    ]


# -- 5. "Kind of story": no empty radio


def test_kind_of_story_offers_no_empty_choice(client, index, ambassador):
    client.force_login(ambassador.user)

    response = client.get(_add_url(index))
    refused = _create(
        client, index, {**_story_form("No kind", consent=True, kind=""), "action-publish": "1"}
    )

    html = response.content.decode()
    assert "Select an option" not in html and "---------" not in html
    assert [value for value, _label in response.context["form"].fields["kind"].choices] == [
        "success",
        "slip-up",
        "unfinished",
    ]
    assert 'name="kind" value="" ' not in html
    assert "kind" in refused.context["form"].errors


# -- 6. "Write a story"


def test_the_dashboard_offers_an_ambassador_to_write_a_story(client, index, ambassador):
    client.force_login(ambassador.user)

    html = client.get("/admin/").content.decode()

    assert "Write a story" in html and _add_url(index) in html


@pytest.mark.parametrize("is_ambassador", [True, False])
def test_the_members_page_offers_write_a_story_to_ambassadors(client, index, is_ambassador):
    member = MemberFactory(is_ambassador=is_ambassador)
    ambassador_group_sync(member)
    client.force_login(member.user)

    me = client.get(reverse("network:me")).content.decode()

    assert ("Write a story" in me) is is_ambassador
    assert (_add_url(index) in me) is is_ambassador


@pytest.mark.parametrize("is_ambassador", [True, False])
def test_the_stories_listing_offers_write_a_story_to_ambassadors(client, index, is_ambassador):
    member = MemberFactory(is_ambassador=is_ambassador)
    ambassador_group_sync(member)
    StoryPageFactory(parent=index)
    client.force_login(member.user)

    listing = client.get(index.url).content.decode()

    assert (_add_url(index) in listing) is is_ambassador


@pytest.mark.django_db(transaction=True)
def test_two_autosaves_creating_at_once_make_no_server_error(home):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite locks the whole file")
    index = StoryIndexPageFactory(parent=home)
    member = MemberFactory(user=UserFactory(username="aino"), is_ambassador=True)
    ambassador_group_sync(member)
    data = _story_form("Our slip-up", consent=False)
    barrier = threading.Barrier(4)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def autosave():
        client = Client()
        client.force_login(member.user)
        try:
            barrier.wait()
            response = client.post(_add_url(index), data, HTTP_ACCEPT="application/json")
            statuses.append(response.status_code)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=autosave) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and statuses == [200] * 4
    slugs = sorted(StoryPage.objects.values_list("slug", flat=True))
    assert slugs == ["our-slip-up", "our-slip-up-2", "our-slip-up-3", "our-slip-up-4"]
