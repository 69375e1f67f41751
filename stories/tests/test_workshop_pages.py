"""The workshops page and a workshop's page: times in the workshop's own zone, places, who sees
the online link and the participant list, the stories told there, and the iCalendar file."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError

import pytest
from icalendar import Calendar

from network.factories import MemberFactory, UserFactory
from network.models import MemberStatus
from stories.factories import StoryPageFactory
from stories.vocabularies import Disclosure
from stories.workshops.factories import (
    WorkshopPageFactory,
    WorkshopRegistrationFactory,
    days_from_now,
    workshop_tree,
)
from stories.workshops.models import WorkshopPage
from stories.workshops.services import workshop_register

ONLINE = "https://meet.example.org/story-workshop"


@pytest.fixture
def workshop(home_page):
    facilitator = MemberFactory(display_name="Elina Korhonen")
    page = workshop_tree(home_page, title="Slip-up evening", online_url=ONLINE, capacity=3)
    page.facilitators.set([facilitator])
    page.save()
    return page


@pytest.fixture
def facilitator(workshop):
    return workshop.facilitators.get()


def test_index_lists_upcoming_soonest_first_and_past_latest_first(
    client, workshop, django_assert_max_num_queries
):
    parent = workshop.get_parent()
    later = WorkshopPageFactory(parent=parent, title="Later", starts_at=days_from_now(30))
    WorkshopPageFactory(
        parent=parent,
        title="Long ago",
        starts_at=days_from_now(-60),
        ends_at=days_from_now(-60, 20),
    )
    WorkshopPageFactory(
        parent=parent,
        title="Last month",
        starts_at=days_from_now(-20),
        ends_at=days_from_now(-20, 20),
    )
    for _ in range(3):
        WorkshopRegistrationFactory(workshop=later)
    for number in range(6):  # more workshops must not mean more queries
        WorkshopPageFactory(
            parent=parent, title=f"Extra {number}", starts_at=days_from_now(40 + number)
        )
        WorkshopPageFactory(
            parent=parent,
            title=f"Old {number}",
            starts_at=days_from_now(-90 - number),
            ends_at=days_from_now(-90 - number, 20),
        )
    # the site's frame (routing in the reader's language, settings, navigation, breadcrumbs,
    # the page's other languages) and two listing queries: the same whatever the number of
    # workshops
    with django_assert_max_num_queries(25):
        response = client.get(parent.url)
    text = response.content.decode()
    upcoming, past = text.split("Past workshops")
    assert upcoming.index("Slip-up evening") < upcoming.index("Later") < upcoming.index("Extra 0")
    assert past.index("Last month") < past.index("Long ago")
    assert "Long ago" not in upcoming
    # the card counts places as the workshop's page does: those left
    assert "7 of 10 places left" in upcoming


def test_workshop_page_says_the_time_in_the_workshops_own_zone(client, home_page):
    new_york = zoneinfo.ZoneInfo("America/New_York")
    starts = datetime.datetime(2030, 3, 5, 18, 0, tzinfo=new_york)
    page = workshop_tree(
        home_page,
        time_zone="America/New_York",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    text = client.get(page.url).content.decode()
    assert "Tuesday 5 March 2030, 18:00</time>–<time" in text
    assert "20:00</time> (America/New_York)" in text
    assert 'datetime="2030-03-05T18:00:00-05:00"' in text


def test_online_link_only_for_registered_participants_and_facilitators(
    client, workshop, facilitator
):
    assert ONLINE not in client.get(workshop.url).content.decode()
    outsider = MemberFactory()
    client.force_login(outsider.user)
    text = client.get(workshop.url).content.decode()
    assert ONLINE not in text
    assert "the link is shown to registered participants" in text

    workshop_register(workshop=workshop, member=outsider)
    assert ONLINE in client.get(workshop.url).content.decode()

    client.force_login(facilitator.user)
    assert ONLINE in client.get(workshop.url).content.decode()


def test_waiting_members_do_not_get_the_online_link(client, workshop):
    for _ in range(3):
        workshop_register(workshop=workshop, member=MemberFactory())
    waiting = MemberFactory()
    workshop_register(workshop=workshop, member=waiting)
    client.force_login(waiting.user)
    text = client.get(workshop.url).content.decode()
    assert ONLINE not in text
    assert "You are number 1 on the waiting list." in text
    assert "0 of 3 places left" in text
    assert "1 person waiting" in text


def test_page_shows_facilitators_places_agenda_and_prompts(client, workshop, facilitator):
    WorkshopRegistrationFactory(workshop=workshop)
    text = client.get(workshop.url).content.decode()
    assert f'<a href="{facilitator.get_absolute_url()}">Elina Korhonen</a>' in text
    assert "2 of 3 places left" in text
    assert "0 people waiting" in text
    assert "Stories in pairs" in text
    assert "What went wrong?" in text
    assert f'href="{workshop.url}ical/" download>Add to calendar' in text


def test_stories_told_in_the_workshop_respect_their_disclosure(client, workshop):
    index = workshop.get_parent().get_parent()
    named = StoryPageFactory(parent=index, title="Named story", workshop=workshop)
    anonymous_author = MemberFactory(display_name="Hidden Author")
    StoryPageFactory(
        parent=index,
        title="Anonymous story",
        workshop=workshop,
        author=anonymous_author,
        disclosure=Disclosure.PUBLIC_ANONYMOUS,
    )
    StoryPageFactory(
        parent=index, title="Members story", workshop=workshop, disclosure=Disclosure.MEMBERS
    )
    draft = StoryPageFactory(parent=index, title="Unpublished story", workshop=workshop)
    draft.unpublish()
    StoryPageFactory(parent=index, title="Another workshop's story")

    text = client.get(workshop.url).content.decode()
    assert "Named story" in text and named.author.display_name in text
    assert "Anonymous story" in text and "Hidden Author" not in text
    assert "Told anonymously" in text
    assert "Members story" not in text
    assert "Unpublished story" not in text
    assert "Another workshop" not in text

    client.force_login(MemberFactory().user)
    text = client.get(workshop.url).content.decode()
    assert "Members story" in text
    assert "Hidden Author" not in text

    client.force_login(MemberFactory(status=MemberStatus.PENDING).user)
    assert "Members story" not in client.get(workshop.url).content.decode()


# -- iCalendar


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.endswith(b"\r\n")
    return Calendar.from_ical(response.content)


def test_ical_file_is_a_valid_event_in_the_workshops_zone(client, workshop):
    calendar = parse(client.get(workshop.url + "ical/"))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    events = calendar.events
    assert len(events) == 1
    event = events[0]
    for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION", "URL"):
        assert name in event, name
    assert event["SUMMARY"] == "Slip-up evening"
    assert event["LOCATION"] == "Oodi, Töölönlahdenkatu 4, Helsinki"
    assert event["URL"] == "http://localhost" + workshop.url
    # times round-trip in the workshop's zone, with its VTIMEZONE
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert event.start == workshop.starts_at
    assert event.start.utcoffset() == workshop.local_starts_at.utcoffset()
    assert event.start.hour == 18 and event.end.hour == 20
    assert event.end == workshop.ends_at
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Helsinki"]
    assert calendar.get_missing_tzids() == set()
    assert event.DTSTAMP.tzinfo is not None  # DTSTAMP must be UTC
    assert event.DTSTAMP.utcoffset() == datetime.timedelta(0)
    # the online link stays with participants
    assert ONLINE not in event["DESCRIPTION"]
    assert b"Add to calendar" in client.get(workshop.url).content


def test_ical_uid_is_stable_and_online_link_only_for_participants(client, workshop):
    first = parse(client.get(workshop.url + "ical/")).events[0]
    member = MemberFactory()
    workshop_register(workshop=workshop, member=member)
    client.force_login(member.user)
    second = parse(client.get(workshop.url + "ical/")).events[0]
    assert first["UID"] == second["UID"] == f"workshop-{workshop.pk}@localhost"
    assert ONLINE in second["DESCRIPTION"]


def test_online_only_workshop_has_online_as_location(client, home_page):
    page = workshop_tree(home_page, venue="", address="", online_url=ONLINE)
    event = parse(client.get(page.url + "ical/")).events[0]
    assert event["LOCATION"] == "Online"
    assert (
        "Online (the link is shown to registered participants)"
        in client.get(page.url).content.decode()
    )


# -- participant list


def test_participant_list_for_facilitators_and_editors_only(client, workshop, facilitator):
    for name in ("Ada", "Ben", "Cy", "Dee"):
        workshop_register(workshop=workshop, member=MemberFactory(display_name=name))
    url = workshop.url + "participants/"
    assert client.get(url).status_code == 302  # visitors sign in first
    participant = workshop.registrations.first().member
    client.force_login(participant.user)
    assert client.get(url).status_code == 403
    assert client.get(workshop.url + "participants/csv/").status_code == 403
    assert "Participant list" not in client.get(workshop.url).content.decode()

    other_facilitator = MemberFactory()
    WorkshopPageFactory(parent=workshop.get_parent()).facilitators.set([other_facilitator])
    client.force_login(other_facilitator.user)
    assert client.get(url).status_code == 403  # facilitating another workshop is not enough

    client.force_login(facilitator.user)
    assert "Participant list" in client.get(workshop.url).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    registered, waiting = text.split("Waiting list (1)")
    assert all(name in registered for name in ("Ada", "Ben", "Cy"))
    assert "Dee" in waiting

    csv_text = client.get(workshop.url + "participants/csv/").getvalue().decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0] == "status,position,name,organisation,country,since"
    assert lines[1].startswith("Registered,,Ada,")
    assert lines[4].startswith("On the waiting list,1,Dee,")

    editor = MemberFactory(is_editor=True)
    client.force_login(editor.user)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(url).status_code == 200


def test_participant_csv_cannot_smuggle_spreadsheet_formulas(client, workshop, facilitator):
    workshop_register(workshop=workshop, member=MemberFactory(display_name="=HYPERLINK(1)"))
    client.force_login(facilitator.user)
    csv_text = client.get(workshop.url + "participants/csv/").getvalue().decode("utf-8-sig")
    assert ",'=HYPERLINK(1)," in csv_text


# -- editing


def test_time_zone_must_be_a_real_zone(workshop):
    workshop.time_zone = "Europe/Atlantis"
    with pytest.raises(ValidationError) as error:
        workshop.full_clean()
    assert "time_zone" in error.value.message_dict


def test_workshop_must_end_after_it_starts(workshop):
    workshop.ends_at = workshop.starts_at
    with pytest.raises(ValidationError) as error:
        workshop.full_clean()
    assert "ends_at" in error.value.message_dict


def test_admin_form_reads_times_as_the_workshops_local_time(workshop):
    """An editor in Helsinki types 18:00 for a workshop in New York: it starts at 18:00 in
    New York, and the form shows 18:00 again when they come back."""
    form_class = WorkshopPage.get_edit_handler().get_form_class()
    data = {
        "title": workshop.title,
        "slug": workshop.slug,
        "starts_at": "2030-03-05 18:00",
        "ends_at": "2030-03-05 20:00",
        "time_zone": "America/New_York",
        "capacity": 5,
        "prompts": "What did you try?\n\n  Why?  \n",
        "agenda": '{"blocks": [], "entityMap": {}}',
    }
    form = form_class(data, instance=workshop, for_user=UserFactory(is_superuser=True))
    assert form.is_valid(), form.errors
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert form.cleaned_data["starts_at"] == datetime.datetime(2030, 3, 5, 18, tzinfo=new_york)
    assert form.cleaned_data["prompts"] == ["What did you try?", "Why?"]
    page = form.save(commit=False)
    page.save()
    fresh = WorkshopPage.objects.get(pk=workshop.pk)
    again = form_class(instance=fresh, for_user=UserFactory(is_superuser=True, username="ed2"))
    assert again["starts_at"].value().strftime("%H:%M") == "18:00"
    assert "What did you try?\nWhy?" in again["prompts"].value()

    data["ends_at"] = "2030-03-05 17:00"
    form = form_class(data, instance=fresh, for_user=UserFactory(username="ed3", is_superuser=True))
    assert not form.is_valid()
    assert "ends_at" in form.errors


def test_editors_edit_a_workshop_in_the_admin(client, workshop):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, username="editor"))
    response = client.get(f"/admin/pages/{workshop.pk}/edit/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Local time at the workshop, in its time zone." in text
    assert "What did you try?\nWhat went wrong?" in text  # prompts, one per line
    assert 'name="capture_open"' not in text  # live state, not content


def test_workshop_page_queries_do_not_grow_with_stories_or_facilitators(
    client, workshop, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    index = workshop.get_parent().get_parent()
    member = MemberFactory()
    workshop_register(workshop=workshop, member=member)
    client.force_login(member.user)
    StoryPageFactory(parent=index, title="Story one", workshop=workshop)
    client.get(workshop.url)  # warm the per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as one_story:
        client.get(workshop.url)
    for number in range(5):
        StoryPageFactory(parent=index, title=f"Story {number}", workshop=workshop)
    workshop.facilitators.add(*[MemberFactory() for _ in range(4)])
    workshop.save()
    with django_assert_max_num_queries(len(one_story)):
        response = client.get(workshop.url)
    assert response.content.decode().count('class="card card--story"') == 6
    assert len(one_story) <= 30
