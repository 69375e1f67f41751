"""Reading workshops: the upcoming and past lists, places left, a member's registration and
place in the queue, the participant list, the stories a workshop produced and a member's own
drafts. Who may see what is decided in `stories.permissions`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from network.models import Member
from network.permissions import is_active_member
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


def _with_counts(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
        ),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
        ),
    ).annotate(places_left=F("capacity") - F("registered_count"))


def _listed(index: WorkshopIndexPage) -> QuerySet:
    return _with_counts(WorkshopPage.objects.child_of(index).live().public())


def workshop_index_of(*, stories_index: StoryIndexPage) -> WorkshopIndexPage | None:
    """The live workshops page under a stories index, if there is one."""
    return WorkshopIndexPage.objects.child_of(stories_index).live().first()


def workshops_upcoming(*, index: WorkshopIndexPage) -> list[WorkshopPage]:
    """Workshops not over yet (including one under way), soonest first, with their counts."""
    now = timezone.now()
    return list(_listed(index).filter(ends_at__gt=now).order_by("starts_at", "pk"))


def workshops_past(*, index: WorkshopIndexPage) -> list[WorkshopPage]:
    """Workshops that have taken place, latest first, with their counts."""
    now = timezone.now()
    return list(_listed(index).filter(ends_at__lte=now).order_by("-starts_at", "-pk"))


@dataclass(frozen=True)
class Places:
    capacity: int
    registered: int
    waiting: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.registered, 0)


def workshop_places(*, workshop: WorkshopPage) -> Places:
    """Places taken and left, and the length of the waiting list (one query)."""
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
    for signed-in active members. Name authors through `shown_author` only."""
    stories = StoryPage.objects.live().public().filter(workshop=workshop)
    if not is_active_member(user):
        stories = stories.exclude(disclosure=Disclosure.MEMBERS)
    return list(stories.select_related("author").order_by("title", "pk"))


def workshop_drafts_of(*, workshop: WorkshopPage, member: Member | None) -> QuerySet:
    """The member's own drafts at the workshop: nobody else's, ever."""
    if member is None:
        return StoryDraft.objects.none()
    return StoryDraft.objects.filter(workshop=workshop, author=member).order_by("-updated_at", "pk")
