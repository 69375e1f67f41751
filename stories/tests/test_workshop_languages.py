"""A workshop translated into Finnish and Swedish is one event: its times, places and online link
are the original's in every language even before an editor syncs the translation, a member who
moves up from the waiting list is e-mailed about the page in their own language, and a story
drafted in Finnish goes into the Finnish stories index as a Finnish story."""

import datetime

from django.core import mail
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from wagtail.models import Locale
from wagtail.users.models import UserProfile

import pytest
from icalendar import Calendar

from network.factories import MemberFactory, UserFactory
from portal.languages import page_url
from stories.models import StoryIndexPage, StoryPage
from stories.vocabularies import Disclosure
from stories.workshops.factories import WorkshopRegistrationFactory, days_from_now, workshop_tree
from stories.workshops.models import StoryDraft, WorkshopPage
from stories.workshops.search import workshop_to_document
from stories.workshops.services import workshop_cancel, workshop_draft_accept, workshop_register
from stories.workshops.vocabularies import DraftStatus, RegistrationStatus

pytestmark = pytest.mark.django_db

ONLINE = "https://meet.example.org/story-workshop"


def translate(page, language: str, **texts):
    """`page` translated into `language` and published, with the pages above it (as an editor
    does with wagtail-localize's Translate, then Publish)."""
    locale, _created = Locale.objects.get_or_create(language_code=language)
    copy = page.copy_for_translation(locale, copy_parents=True)
    for name, value in texts.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    for ancestor in copy.get_ancestors().filter(depth__gt=1).specific():
        if not ancestor.live:
            ancestor.save_revision().publish()
    return type(page).objects.get(pk=copy.pk)


def places_left(language: str, left: int, capacity: int) -> str:
    with translation.override(language):
        return ngettext(
            "%(left)s of %(counter)s place left", "%(left)s of %(counter)s places left", capacity
        ) % {"left": left, "counter": capacity}


@pytest.fixture
def workshop(home_page):
    return workshop_tree(home_page, title="Slip-up evening", capacity=10)


@pytest.fixture
def finnish(workshop):
    return translate(workshop, "fi", title="Mokailta")


def test_the_finnish_page_and_listing_count_places_against_the_originals_capacity(
    client, workshop, finnish
):
    WorkshopRegistrationFactory(workshop=workshop)
    workshop.capacity = 12  # an editor raises it in English and does not sync the translation
    workshop.save_revision().publish()

    finnish.refresh_from_db()
    assert finnish.capacity == 10  # the translation's own copy is stale
    page, listing = client.get(page_url(finnish)), client.get(page_url(finnish.get_parent()))
    for response in (page, listing):
        assert response.status_code == 200
        assert "Mokailta" in response.text
        assert places_left("fi", 11, 12) in response.text
        assert places_left("fi", 9, 10) not in response.text


def test_a_full_original_is_full_in_finnish(client, workshop, finnish):
    WorkshopRegistrationFactory(workshop=workshop)
    WorkshopPage.objects.filter(pk=workshop.pk).update(capacity=1)
    member = MemberFactory()
    client.force_login(member.user)

    listing = client.get(page_url(finnish.get_parent())).text
    client.post(page_url(finnish) + "register/")

    with translation.override("fi"):
        full = ngettext(
            "Full: %(counter)s person on the waiting list",
            "Full: %(counter)s people on the waiting list",
            0,
        ) % {"counter": 0}
    assert full in listing
    registration = member.workshop_registrations.get()
    assert registration.workshop_id == workshop.pk
    assert registration.status == RegistrationStatus.WAITING


def test_the_finnish_page_calendar_and_listing_keep_the_originals_times(client, workshop, finnish):
    # moved in English to 14:00 three weeks from now, with an online link; no sync
    workshop.starts_at = days_from_now(21, 14)
    workshop.ends_at = workshop.starts_at + datetime.timedelta(hours=3)
    workshop.online_url = ONLINE
    workshop.save_revision().publish()
    member = MemberFactory()
    workshop_register(workshop=workshop, member=member)
    client.force_login(member.user)

    page = client.get(page_url(finnish)).text
    event = Calendar.from_ical(client.get(page_url(finnish) + "ical/").content).events[0]
    english_event = Calendar.from_ical(client.get(workshop.url + "ical/").content).events[0]

    assert f'datetime="{workshop.local_starts_at.isoformat()}"' in page
    assert f'datetime="{workshop.local_ends_at.isoformat()}"' in page
    assert ONLINE in page  # the participant's link, added in English
    assert event.start == workshop.starts_at and event.end == workshop.ends_at
    assert event["SUMMARY"] == "Mokailta"
    assert event["UID"] == english_event["UID"]  # one event in the member's calendar
    assert ONLINE in event["DESCRIPTION"]


def test_the_finnish_search_document_is_dated_the_day_the_event_starts(workshop, finnish):
    workshop.starts_at = days_from_now(30, 14)
    workshop.ends_at = workshop.starts_at + datetime.timedelta(hours=2)
    workshop.save_revision().publish()

    document = workshop_to_document(WorkshopPage.objects.get(pk=finnish.pk))

    assert document.date == workshop.local_starts_at.date()
    assert document.title == "Mokailta"


def test_a_workshop_over_in_english_is_over_in_finnish(client, workshop, finnish):
    # the original took place yesterday; the translation still has next week's copy
    WorkshopPage.objects.filter(pk=workshop.pk).update(
        starts_at=days_from_now(-1, 18), ends_at=days_from_now(-1, 20)
    )
    member = MemberFactory()
    client.force_login(member.user)

    listing = client.get(page_url(finnish.get_parent())).text
    client.post(page_url(finnish) + "register/")
    page = client.get(page_url(finnish)).text

    with translation.override("fi"):
        upcoming, past = gettext("Upcoming workshops"), gettext("Past workshops")
        taken_place = gettext("This workshop has already taken place.")
    assert past in listing and "Mokailta" in listing.split(escape(past))[1]
    assert "Mokailta" not in listing.split(escape(past))[0].split(escape(upcoming))[1]
    assert escape(taken_place) in page
    assert not member.workshop_registrations.exists()


def test_a_swedish_member_who_moves_up_is_mailed_about_the_swedish_page(
    workshop, django_capture_on_commit_callbacks
):
    swedish = translate(workshop, "sv", title="Snedstegskväll", slug="snedstegskvall")
    WorkshopPage.objects.filter(pk=workshop.pk).update(capacity=1)
    first = MemberFactory()
    waiting = MemberFactory(contact_email="sara@example.org")
    UserProfile.objects.create(user=waiting.user, preferred_language="sv")
    workshop_register(workshop=workshop, member=first)
    workshop_register(workshop=swedish, member=waiting)

    with django_capture_on_commit_callbacks(execute=True):
        workshop_cancel(workshop=workshop, member=first)

    (message,) = mail.outbox
    swedish_url = f"http://localhost{page_url(swedish)}"
    with translation.override("sv"):
        subject = gettext("You have a place at %(title)s") % {"title": "Snedstegskväll"}
        body = gettext(
            "A place opened up and it is yours: you are now registered for “%(title)s”.\n\n"
            "If you cannot come after all, please cancel so that the next person can: "
            "%(url)s\n"
        ) % {"title": "Snedstegskväll", "url": swedish_url}
    assert message.to == ["sara@example.org"]
    assert (message.subject, message.body) == (subject, body)
    assert swedish_url.endswith("/sv/stories/workshops/snedstegskvall/")


def test_a_member_of_a_language_without_a_translation_gets_the_original_in_their_frame(
    workshop, finnish, django_capture_on_commit_callbacks
):
    WorkshopPage.objects.filter(pk=workshop.pk).update(capacity=1)
    first = MemberFactory()
    waiting = MemberFactory(contact_email="sven@example.org")
    UserProfile.objects.create(user=waiting.user, preferred_language="sv")
    workshop_register(workshop=workshop, member=first)
    workshop_register(workshop=workshop, member=waiting)

    with django_capture_on_commit_callbacks(execute=True):
        workshop_cancel(workshop=workshop, member=first)

    (message,) = mail.outbox
    assert "Slip-up evening" in message.subject
    assert f"http://localhost/sv{workshop.url[len('/en') :]}" in message.body


# -- a story drafted in a language


@pytest.fixture
def capture(workshop, finnish):
    """Capture open, a participant with a place and the Finnish stories index live."""
    WorkshopPage.objects.filter(translation_key=workshop.translation_key).update(capture_open=True)
    participant = MemberFactory(display_name="Participant Pia")
    workshop_register(workshop=workshop, member=participant)
    return participant


def draft_share(client, url: str, participant, title: str) -> StoryDraft:
    client.force_login(participant.user)
    response = client.post(
        url + "capture/",
        {
            "title": title,
            "kind": "slip-up",
            "project": "Chatbotti rakennuslupiin.",
            "what_went_wrong": "Kukaan ei käyttänyt sitä.",
            "disclosure": Disclosure.PUBLIC_ANONYMOUS,
            "consent": "on",
            "action": "share",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return StoryDraft.objects.get(title=title)


def test_a_story_drafted_in_finnish_goes_into_the_finnish_stories_index(
    client, workshop, finnish, capture
):
    draft = draft_share(client, page_url(finnish), capture, "Chatbotti, jota kukaan ei pyytänyt")
    assert draft.workshop_id == workshop.pk and draft.written_in == "fi"

    story = workshop_draft_accept(draft=draft, reviewer=UserFactory(is_superuser=True))

    finnish_index = StoryIndexPage.objects.get(locale__language_code="fi")
    assert story.get_parent().pk == finnish_index.pk
    assert story.locale_id == finnish_index.locale_id
    assert story.written_in == "fi"
    assert story.workshop_id == finnish.pk  # its link leads to the Finnish page
    # once published, it is a story of the workshop in every language
    story.get_latest_revision().publish()
    for url in (page_url(finnish), workshop.url):
        text = client.get(url).text
        assert text.count('class="card card--story"') == 1
        assert "Chatbotti, jota kukaan ei pyytänyt" in text


def test_a_story_drafted_in_english_stays_in_the_english_index(client, workshop, finnish, capture):
    draft = draft_share(client, workshop.url, capture, "The chatbot nobody asked for")

    story = workshop_draft_accept(draft=draft, reviewer=UserFactory(is_superuser=True))

    assert draft.written_in == "en"
    assert story.get_parent().specific.locale.language_code == "en"
    assert story.written_in == "en" and story.workshop_id == workshop.pk


def test_a_draft_in_a_language_without_a_stories_index_stays_under_the_workshops(
    client, workshop, capture
):
    draft = StoryDraft.objects.create(
        workshop=workshop,
        author=capture,
        title="Berättelse",
        kind="slip-up",
        written_in="sv",
        consent=True,
        status=DraftStatus.SUBMITTED,
    )

    story = workshop_draft_accept(draft=draft, reviewer=UserFactory(is_superuser=True))

    assert story.get_parent().pk == workshop.get_parent().get_parent().pk
    assert story.written_in == "sv" and story.workshop_id == workshop.pk
    assert StoryPage.objects.get(pk=story.pk).written_in == "sv"


def test_a_workshop_nobody_translated_is_still_listed_on_the_finnish_workshops_page(
    client, workshop, finnish
):
    from stories.workshops.factories import WorkshopPageFactory

    english_only = WorkshopPageFactory(
        parent=workshop.get_parent(), title="Procurement clinic", summary="Bring your tender."
    )

    listing = client.get(page_url(finnish.get_parent())).text

    assert "Mokailta" in listing  # the translated workshop, once, in Finnish
    assert "Slip-up evening" not in listing
    # the untranslated one, in its own language and marked as such
    assert f'lang="en">{english_only.title}</a>' in listing
    assert '<p class="card__summary" lang="en">Bring your tender.</p>' in listing


def test_the_finnish_stories_feed_holds_the_stories_nobody_translated(client, workshop, finnish):
    from stories.factories import StoryPageFactory

    english_index = workshop.get_parent().get_parent().specific
    finnish_index = finnish.get_parent().get_parent().specific
    story = StoryPageFactory(parent=english_index, title="Our first budget")
    translated = translate(StoryPageFactory(parent=english_index, title="A slip-up"), "fi")
    translated.title = "Moka"
    translated.save_revision().publish()

    feed = client.get(page_url(finnish_index) + finnish_index.reverse_subpage("feed")).text

    assert story.title in feed
    assert "Moka" in feed and "A slip-up" not in feed  # the translated one once, in Finnish
