"""A story workshop as an iCalendar file (RFC 5545), built with `icalendar`.

The event carries its times in the workshop's own zone (DTSTART/DTEND with TZID) and the
VTIMEZONE that defines it, so calendars show the right local time wherever the reader is. A
workshop read in another language is the same event: its texts are the page's, its times, zone
and UID the original's (`stories.workshops.selectors.workshop_event`).
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
    event: WorkshopPage | None = None,
    url: str,
    hostname: str,
    online_url: str = "",
    organizer_email: str = "",
    organizer_name: str = "",
) -> bytes:
    """The workshop as a calendar holding one VEVENT, as bytes (CRLF line endings).

    `event` is the workshop as an event (its original; `workshop` itself when None): the
    times, zone and UID are its, the texts `workshop`'s. `online_url` is included only when
    the caller may show it (participants and facilitators); everyone else gets the page's
    address, where they can register.
    """
    event = event or workshop
    zone = event.zone
    vevent = Event.new(
        uid=workshop_uid(event, hostname=hostname),
        stamp=_revised_at(workshop, event),
        start=event.local_starts_at,
        end=event.local_ends_at,
        summary=workshop.title,
        description=_description(workshop, online_url=online_url),
        location=_location(workshop, event, online_url=online_url),
        url=url,
    )
    last_modified = _last_published(workshop, event)
    if last_modified:
        vevent.add("last-modified", last_modified.astimezone(datetime.UTC))
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        if organizer_name:
            organizer.params["cn"] = organizer_name
        vevent.add("organizer", organizer)
    calendar = Calendar.new(prodid=PRODID, method="PUBLISH", name=workshop.title)
    calendar.add_component(vevent)
    # the zone's rules for a span around the workshop: small, and enough for any client
    year = event.local_starts_at.year
    calendar.add_missing_timezones(
        first_date=datetime.date(year - 1, 1, 1), last_date=datetime.date(year + 2, 1, 1)
    )
    assert not calendar.get_missing_tzids(), f"no VTIMEZONE for {zone}"
    return calendar.to_ical()


def _last_published(*pages: WorkshopPage) -> datetime.datetime | None:
    # the texts or the event's times, whichever changed last
    return max((page.last_published_at for page in pages if page.last_published_at), default=None)


def _revised_at(workshop: WorkshopPage, event: WorkshopPage) -> datetime.datetime:
    # DTSTAMP: when this information was last revised (RFC 5545 3.8.7.2, no METHOD-less case)
    revised = (
        _last_published(workshop, event) or workshop.latest_revision_created_at or timezone.now()
    )
    return revised.astimezone(datetime.UTC).replace(microsecond=0)


def _location(workshop: WorkshopPage, event: WorkshopPage, *, online_url: str) -> str:
    place = ", ".join(part for part in (workshop.venue, workshop.address) if part)
    if place:
        return place
    if event.online_url:
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
