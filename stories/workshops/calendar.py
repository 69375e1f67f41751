"""A story workshop as an iCalendar file (RFC 5545), built with `icalendar`.

The event carries its times in the workshop's own zone (DTSTART/DTEND with TZID) and the
VTIMEZONE that defines it, so calendars show the right local time wherever the reader is.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from icalendar import Calendar, Event, vCalAddress

from portal.rich_text import plain_text
from stories.workshops.models import WorkshopPage

PRODID = "-//Kokeilu//Story workshops//EN"


def workshop_uid(workshop: WorkshopPage, *, hostname: str) -> str:
    """The event's UID: the same for a workshop on a site every time it is downloaded, so that
    calendars update the event instead of adding a second one."""
    return f"workshop-{workshop.pk}@{hostname or 'kokeilu'}"


def workshop_calendar(
    workshop: WorkshopPage,
    *,
    url: str,
    hostname: str,
    online_url: str = "",
    organizer_email: str = "",
    organizer_name: str = "",
) -> bytes:
    """The workshop as a calendar holding one VEVENT, as bytes (CRLF line endings).

    `online_url` is included only when the caller may show it (participants and facilitators);
    everyone else gets the page's address, where they can register.
    """
    zone = workshop.zone
    event = Event.new(
        uid=workshop_uid(workshop, hostname=hostname),
        stamp=_revised_at(workshop),
        start=workshop.local_starts_at,
        end=workshop.local_ends_at,
        summary=workshop.title,
        description=_description(workshop, online_url=online_url),
        location=_location(workshop, online_url=online_url),
        url=url,
    )
    if workshop.last_published_at:
        event.add("last-modified", workshop.last_published_at.astimezone(datetime.UTC))
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        if organizer_name:
            organizer.params["cn"] = organizer_name
        event.add("organizer", organizer)
    calendar = Calendar.new(prodid=PRODID, method="PUBLISH", name=workshop.title)
    calendar.add_component(event)
    # the zone's rules for a span around the workshop: small, and enough for any client
    year = workshop.local_starts_at.year
    calendar.add_missing_timezones(
        first_date=datetime.date(year - 1, 1, 1), last_date=datetime.date(year + 2, 1, 1)
    )
    assert not calendar.get_missing_tzids(), f"no VTIMEZONE for {zone}"
    return calendar.to_ical()


def _revised_at(workshop: WorkshopPage) -> datetime.datetime:
    # DTSTAMP: when this information was last revised (RFC 5545 3.8.7.2, no METHOD-less case)
    revised = workshop.last_published_at or workshop.latest_revision_created_at or timezone.now()
    return revised.astimezone(datetime.UTC).replace(microsecond=0)


def _location(workshop: WorkshopPage, *, online_url: str) -> str:
    place = ", ".join(part for part in (workshop.venue, workshop.address) if part)
    if place:
        return place
    if workshop.online_url:
        return online_url or _("Online")
    return ""


def _description(workshop: WorkshopPage, *, online_url: str) -> str:
    parts = [workshop.summary]
    agenda = plain_text(workshop.agenda or "")
    if agenda:
        parts.append(agenda)
    if online_url:
        parts.append(online_url)
    return "\n\n".join(part for part in parts if part)
