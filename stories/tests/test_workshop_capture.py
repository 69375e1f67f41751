"""Workshop mode: facilitators open capture, participants draft stories that only they see,
share them for review with consent, and editors accept or decline them in the admin."""

import pytest

from network.factories import MemberFactory, UserFactory
from stories.models import StoryPage
from stories.vocabularies import Disclosure
from stories.workshops.factories import StoryDraftFactory, workshop_tree
from stories.workshops.models import StoryDraft
from stories.workshops.services import workshop_register
from stories.workshops.vocabularies import DraftStatus

SECRET = "The pilot failed because the vendor never delivered the API."


@pytest.fixture
def workshop(home_page):
    page = workshop_tree(home_page, title="Capture evening", capacity=5)
    page.facilitators.set([MemberFactory(display_name="Facilitator Fia")])
    page.save()
    return page


@pytest.fixture
def facilitator(workshop):
    return workshop.facilitators.get()


@pytest.fixture
def participant(workshop):
    member = MemberFactory(display_name="Participant Pia")
    workshop_register(workshop=workshop, member=member)
    return member


def capture_open(client, workshop, facilitator):
    client.force_login(facilitator.user)
    response = client.post(workshop.url + "capture/open/", follow=True)
    assert "Capture is open" in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.capture_open


def test_only_facilitators_and_editors_open_and_close_capture(client, workshop, participant):
    client.force_login(participant.user)
    assert client.post(workshop.url + "capture/open/").status_code == 403
    workshop.refresh_from_db()
    assert not workshop.capture_open
    assert "Open capture" not in client.get(workshop.url).content.decode()

    facilitator = workshop.facilitators.get()
    capture_open(client, workshop, facilitator)
    client.post(workshop.url + "capture/close/")
    workshop.refresh_from_db()
    assert not workshop.capture_open

    client.force_login(MemberFactory(is_editor=True).user)
    client.post(workshop.url + "capture/open/")
    workshop.refresh_from_db()
    assert workshop.capture_open


def test_capture_state_survives_publishing_an_older_revision(client, workshop, facilitator):
    revision = workshop.save_revision()
    capture_open(client, workshop, facilitator)
    revision.publish()
    workshop.refresh_from_db()
    assert workshop.capture_open


def test_participant_drafts_a_story_that_nobody_else_can_read(
    client, workshop, facilitator, participant
):
    capture_open(client, workshop, facilitator)
    client.force_login(participant.user)
    page = client.get(workshop.url).content.decode()
    assert "Draft your story" in page
    response = client.post(
        workshop.url + "capture/",
        {
            "title": "The API that never came",
            "project": "A permit app",
            "what_went_wrong": SECRET,
            "root_causes": ["procurement"],
            "action": "save",
            "disclosure": Disclosure.PUBLIC_ANONYMOUS,
        },
        follow=True,
    )
    assert "Draft saved. Only you can see it." in response.content.decode()
    draft = StoryDraft.objects.get()
    assert draft.author == participant and draft.status == DraftStatus.PRIVATE
    assert draft.root_causes == ["procurement"]
    draft_url = f"{workshop.url}capture/{draft.pk}/"
    assert SECRET in client.get(draft_url).content.decode()

    other = MemberFactory()
    workshop_register(workshop=workshop, member=other)
    for reader in (other.user, facilitator.user, MemberFactory(is_editor=True).user):
        client.force_login(reader)
        assert client.get(draft_url).status_code == 404
        assert client.post(draft_url, {"title": "Hijacked", "action": "save"}).status_code == 404
        listing = client.get(workshop.url + "capture/")
        assert SECRET not in listing.content.decode() if listing.status_code == 200 else True
        assert "The API that never came" not in client.get(workshop.url).content.decode()
    draft.refresh_from_db()
    assert draft.title == "The API that never came"

    # editors' review list in the admin does not show private drafts, even by address
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert "The API that never came" not in client.get("/admin/workshop_drafts/").content.decode()
    assert client.get(f"/admin/workshop_drafts/{draft.pk}/").status_code == 404


def test_people_without_a_place_cannot_draft(client, workshop, facilitator):
    capture_open(client, workshop, facilitator)
    outsider = MemberFactory()
    client.force_login(outsider.user)
    assert client.get(workshop.url + "capture/").status_code == 403
    assert (
        client.post(workshop.url + "capture/", {"title": "x", "action": "save"}).status_code == 403
    )
    assert not StoryDraft.objects.exists()
    response = client.get(workshop.url + "capture/")
    assert response.status_code == 403


def test_no_new_drafts_while_capture_is_closed_but_old_ones_stay_editable(
    client, workshop, participant
):
    draft = StoryDraftFactory(workshop=workshop, author=participant, title="Old draft")
    client.force_login(participant.user)
    response = client.post(
        workshop.url + "capture/", {"title": "New", "action": "save"}, follow=True
    )
    assert "The capture session is closed." in response.content.decode()
    assert StoryDraft.objects.count() == 1
    response = client.post(
        f"{workshop.url}capture/{draft.pk}/",
        {
            "title": "Old draft, edited",
            "kind": "slip-up",
            "action": "save",
            "disclosure": "members",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Old draft, edited"
    assert draft.disclosure == Disclosure.MEMBERS


def test_sharing_needs_consent_and_keeps_what_was_typed(client, workshop, facilitator, participant):
    capture_open(client, workshop, facilitator)
    client.force_login(participant.user)
    response = client.post(
        workshop.url + "capture/",
        {
            "title": "",
            "what_went_wrong": SECRET,
            "why": "We assumed.",
            "action": "share",
            "disclosure": Disclosure.PUBLIC_ANONYMOUS,
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Give your story a title before you share it." in text
    assert "Choose how it went before you share it." in text
    assert "Tick the box to agree before you share it." in text
    assert SECRET in text and "We assumed." in text  # nothing typed is lost
    assert not StoryDraft.objects.exists()

    response = client.post(
        workshop.url + "capture/",
        {
            "title": "Vendor lock",
            "kind": "slip-up",
            "what_went_wrong": SECRET,
            "consent": "on",
            "action": "share",
            "disclosure": Disclosure.PUBLIC_ANONYMOUS,
        },
        follow=True,
    )
    assert "Shared for review." in response.content.decode()
    draft = StoryDraft.objects.get()
    assert draft.status == DraftStatus.SUBMITTED and draft.consent and draft.submitted_at

    # taking it back makes it private again
    client.post(f"{workshop.url}capture/{draft.pk}/", {"action": "withdraw"})
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PRIVATE and not draft.consent


def test_editor_accepts_a_shared_draft_as_an_unpublished_story(client, workshop, participant):
    draft = StoryDraftFactory(
        workshop=workshop,
        author=participant,
        title="Vendor lock",
        what_went_wrong="<script>alert(1)</script>\n\nSecond paragraph",
        disclosure=Disclosure.PUBLIC_ANONYMOUS,
        consent=True,
        status=DraftStatus.SUBMITTED,
    )
    private = StoryDraftFactory(workshop=workshop, title="Still private")
    editor = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(editor)
    listing = client.get("/admin/workshop_drafts/").content.decode()
    assert "Vendor lock" in listing and "Still private" not in listing
    review = client.get(f"/admin/workshop_drafts/{draft.pk}/").content.decode()
    assert "Accept: create a draft story" in review

    response = client.post(f"/admin/workshop_drafts/{draft.pk}/", {"action": "accept"})
    assert response.status_code == 302
    story = StoryPage.objects.get(title="Vendor lock")
    assert not story.live
    assert story.workshop_id == workshop.pk
    assert story.author == participant
    assert story.disclosure == Disclosure.PUBLIC_ANONYMOUS and story.disclosure_consent
    assert story.kind == "slip-up" and story.root_causes == ["assumption"]
    assert "<script>" not in story.what_happened
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in story.what_happened
    assert "<p>Second paragraph</p>" in story.what_happened
    assert story.get_parent().specific_class.__name__ == "StoryIndexPage"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.ACCEPTED and draft.story == story
    assert draft.reviewed_by == editor
    # the private draft was not touched, and cannot be accepted by address
    assert (
        client.post(f"/admin/workshop_drafts/{private.pk}/", {"action": "accept"}).status_code
        == 404
    )
    assert StoryPage.objects.count() == 1


def test_editor_declines_with_a_note_the_author_reads(client, workshop, participant):
    draft = StoryDraftFactory(
        workshop=workshop, author=participant, consent=True, status=DraftStatus.SUBMITTED
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.post(
        f"/admin/workshop_drafts/{draft.pk}/",
        {"action": "decline", "note": "Please name the city's role, not the vendor."},
    )
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DECLINED
    assert not StoryPage.objects.exists()
    client.force_login(participant.user)
    text = client.get(f"{workshop.url}capture/{draft.pk}/").content.decode()
    assert "An editor did not take this story up." in text
    assert "Please name the city&#x27;s role, not the vendor." in text
    # decided drafts are no longer editable
    client.post(f"{workshop.url}capture/{draft.pk}/", {"title": "Changed", "action": "save"})
    draft.refresh_from_db()
    assert draft.title != "Changed"


def test_members_who_are_not_editors_cannot_review(client, workshop, participant):
    draft = StoryDraftFactory(workshop=workshop, consent=True, status=DraftStatus.SUBMITTED)
    client.force_login(participant.user)
    response = client.post(f"/admin/workshop_drafts/{draft.pk}/", {"action": "accept"})
    assert response.status_code in (302, 403)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED


def test_accepting_a_draft_fills_in_the_authors_country_and_the_workshops_themes(
    workshop, participant
):
    from portal.factories import CountryFactory, ThemeFactory
    from stories.workshops.services import workshop_draft_accept

    finland = CountryFactory(key="fi", name="Finland")
    participant.country = finland
    participant.save()
    workshop.country = CountryFactory(key="se", name="Sweden")
    workshop.themes.set([ThemeFactory(name="Housing"), ThemeFactory(name="Health")])
    workshop.save()
    draft = StoryDraftFactory(
        workshop=workshop, author=participant, consent=True, status=DraftStatus.SUBMITTED
    )

    story = workshop_draft_accept(draft=draft, reviewer=UserFactory(is_superuser=True))

    story = StoryPage.objects.get(pk=story.pk)
    assert story.country == finland
    assert sorted(theme.name for theme in story.themes.all()) == ["Health", "Housing"]
    # the draft page in the admin shows them too (its latest revision holds them)
    revision = story.get_latest_revision_as_object()
    assert revision.country_id == finland.pk
    assert sorted(theme.name for theme in revision.themes.all()) == ["Health", "Housing"]


def test_a_draft_whose_author_has_no_country_takes_the_workshops(workshop, participant):
    from portal.factories import CountryFactory
    from stories.workshops.services import workshop_draft_accept

    participant.country = None
    participant.save()
    sweden = CountryFactory(key="se", name="Sweden")
    workshop.country = sweden
    workshop.save()
    draft = StoryDraftFactory(
        workshop=workshop, author=participant, consent=True, status=DraftStatus.SUBMITTED
    )

    story = workshop_draft_accept(draft=draft, reviewer=UserFactory(is_superuser=True))

    assert StoryPage.objects.get(pk=story.pk).country == sweden
