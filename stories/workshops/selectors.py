"""Reading workshops: the upcoming and past lists, places left, a member's registration and
place in the queue, the participant list, the stories a workshop produced and a member's own
drafts. Who may see what is decided in `stories.permissions`.

A workshop translated into other languages is one event (`workshop_event`): its registrations,
capture session and drafts belong to the original page, whichever language they are made in, and
what defines the event (times, time zone, capacity, online link) is read from the original in
every language: a listed workshop carries it as `workshop.event`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from network.models import Member
from network.permissions import is_active_member
from portal.languages import children_across_languages, locale_language
from stories.models import StoryIndexPage, StoryPage
from stories.vocabularies import Disclosure
from stories.workshops.models import (
    StoryDraft,
    WorkshopIndexPage,
    WorkshopPage,
    WorkshopRegistration,
)
from stories.workshops.vocabularies import RegistrationStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def workshop_event(workshop: WorkshopPage) -> WorkshopPage:
    """The workshop as an event, whatever language its page is read in: the original among
    its translations (the first created: a translation is a copy of it).

    Registrations, the capture session, drafts and the participant list are the event's, so a
    reader who registers at `/fi/…` takes a place at the same workshop, against the same
    capacity, as one who registers at `/en/…`.
    """
    first = (
        WorkshopPage.objects.filter(translation_key=workshop.translation_key)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if first is None or first == workshop.pk:
        return workshop
    return WorkshopPage.objects.get(pk=first)


def workshop_in_language(*, workshop: WorkshopPage, language: str) -> WorkshopPage:
    """The workshop's live page in `language` when it has one, else `workshop`: what an
    e-mail to a member names and links, and the page a story written in `language` links."""
    if not language or locale_language(workshop.locale_id) == language:
        return workshop
    translated = (
        WorkshopPage.objects.live()
        .filter(translation_key=workshop.translation_key, locale__language_code=language)
        .first()
    )
    return translated or workshop


def _registration_count(status: str) -> Coalesce:
    # a translation's registrations are its original's (`workshop_event`): count those of the
    # workshop in every language
    rows = (
        WorkshopRegistration.objects.filter(
            workshop__translation_key=OuterRef("translation_key"), status=status
        )
        .order_by()
        .values("workshop__translation_key")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _original_value(name: str) -> Subquery:
    # the field as the workshop's original (`workshop_event`) has it: a translation's own copy
    # changes only when an editor syncs the translation
    originals = WorkshopPage.objects.filter(translation_key=OuterRef("translation_key"))
    return Subquery(originals.order_by("pk").values(name)[:1])


def _with_counts(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        event_pk=_original_value("pk"),
        event_starts_at=_original_value("starts_at"),
        event_ends_at=_original_value("ends_at"),
        event_capacity=_original_value("capacity"),
        registered_count=_registration_count(RegistrationStatus.REGISTERED),
        waiting_count=_registration_count(RegistrationStatus.WAITING),
    ).annotate(places_left=F("event_capacity") - F("registered_count"))


def _listed(index: WorkshopIndexPage) -> QuerySet:
    """The workshops under every language version of `index`, each once, in the index's
    language where translated (`portal.languages.children_across_languages`)."""
    return _with_counts(children_across_languages(index, WorkshopPage))


def _events_attach(workshops: list[WorkshopPage]) -> list[WorkshopPage]:
    """Give each listed workshop its `event`: itself, or its original (one query for all)."""
    others = {workshop.event_pk for workshop in workshops if workshop.event_pk != workshop.pk}
    originals = WorkshopPage.objects.in_bulk(others) if others else {}
    for workshop in workshops:
        workshop.event = originals.get(workshop.event_pk, workshop)
    return workshops


def workshop_index_of(*, stories_index: StoryIndexPage) -> WorkshopIndexPage | None:
    """The live workshops page under a stories index, if there is one."""
    return WorkshopIndexPage.objects.child_of(stories_index).live().first()


def workshops_upcoming(*, index: WorkshopIndexPage) -> list[WorkshopPage]:
    """Workshops not over yet (including one under way), soonest first, with their counts and
    their `event` (the original, whose times and capacity hold in every language)."""
    now = timezone.now()
    listed = _listed(index).filter(event_ends_at__gt=now).order_by("event_starts_at", "pk")
    return _events_attach(list(listed))


def workshops_past(*, index: WorkshopIndexPage) -> list[WorkshopPage]:
    """Workshops that have taken place, latest first, with their counts and their `event`."""
    now = timezone.now()
    listed = _listed(index).filter(event_ends_at__lte=now).order_by("-event_starts_at", "-pk")
    return _events_attach(list(listed))


@dataclass(frozen=True)
class Places:
    capacity: int
    registered: int
    waiting: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.registered, 0)


def workshop_places(*, workshop: WorkshopPage) -> Places:
    """Places taken and left, and the length of the waiting list (one query). `workshop` is
    the event (`workshop_event`): its capacity and registrations hold in every language."""
    counts = workshop.registrations.aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )
    return Places(workshop.capacity, counts["registered"], counts["waiting"])


def workshop_registration_of(
    *, workshop: WorkshopPage, member: Member | None
) -> WorkshopRegistration | None:
    """The member's current registration (registered or waiting), or None."""
    if member is None:
        return None
    return (
        WorkshopRegistration.objects.filter(workshop=workshop, member=member)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


def workshop_waiting_position(*, registration: WorkshopRegistration) -> int | None:
    """The registration's place on the waiting list, from 1; None when it is not waiting.

    The queue is ordered by when people joined it (`queued_at`, then `pk`)."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = WorkshopRegistration.objects.filter(
        workshop_id=registration.workshop_id, status=RegistrationStatus.WAITING
    ).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def workshop_participants(*, workshop: WorkshopPage) -> dict[str, list[WorkshopRegistration]]:
    """Registered members (in the order they registered) and the waiting list (in order)."""
    rows = list(
        workshop.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .select_related("member__country", "member__user")
        .order_by("queued_at", "pk")
    )
    return {
        "registered": [row for row in rows if row.status == RegistrationStatus.REGISTERED],
        "waiting": [row for row in rows if row.status == RegistrationStatus.WAITING],
    }


def workshop_facilitators(*, workshop: WorkshopPage) -> list[Member]:
    return list(workshop.facilitators.order_by("display_name", "pk"))


def workshop_stories(*, workshop: WorkshopPage, user: User | AnonymousUser) -> list[StoryPage]:
    """The live stories told in the workshop that `user` may read: members-only stories only
    for signed-in active members. Name authors through `shown_author` only.

    A story linked to any language version of the workshop is one of its stories (a member's
    story links the page in the language they wrote in). A story translated into several
    languages is listed once: in the language of `workshop`'s page where it has that version.
    """
    stories = (
        StoryPage.objects.live().public().filter(workshop__translation_key=workshop.translation_key)
    )
    if not is_active_member(user):
        stories = stories.exclude(disclosure=Disclosure.MEMBERS)
    listed = list(stories.select_related("author").order_by("title", "pk"))
    chosen: dict = {}
    for story in listed:
        kept = chosen.get(story.translation_key)
        if kept is None or (
            story.locale_id == workshop.locale_id and kept.locale_id != workshop.locale_id
        ):
            chosen[story.translation_key] = story
    return [story for story in listed if chosen[story.translation_key] is story]


def workshop_drafts_of(*, workshop: WorkshopPage, member: Member | None) -> QuerySet:
    """The member's own drafts at the workshop: nobody else's, ever."""
    if member is None:
        return StoryDraft.objects.none()
    return StoryDraft.objects.filter(workshop=workshop, author=member).order_by("-updated_at", "pk")
