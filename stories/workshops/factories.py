"""Factories for story workshops, registrations and workshop drafts."""

import datetime
import zoneinfo

from django.utils import timezone

import factory
import wagtail_factories

from network.factories import MemberFactory
from stories.factories import StoryIndexPageFactory
from stories.vocabularies import StoryKind
from stories.workshops.models import (
    StoryDraft,
    WorkshopIndexPage,
    WorkshopPage,
    WorkshopRegistration,
)
from stories.workshops.vocabularies import DraftStatus, RegistrationStatus

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def days_from_now(days: int, hour: int = 18, zone=HELSINKI) -> datetime.datetime:
    """A time `days` from today at `hour` o'clock in `zone`."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


class WorkshopIndexPageFactory(wagtail_factories.PageFactory):
    title = "Story workshops"
    slug = "workshops"
    intro = "Tell your story with others."

    class Meta:
        model = WorkshopIndexPage


class WorkshopPageFactory(wagtail_factories.PageFactory):
    """An upcoming workshop in Helsinki, a week from now, 18:00–20:00 local time."""

    title = factory.Sequence(lambda n: f"Workshop {n}")
    slug = factory.Sequence(lambda n: f"workshop-{n}")
    summary = "An evening of slip-up stories."
    starts_at = factory.LazyFunction(lambda: days_from_now(7, 18))
    ends_at = factory.LazyAttribute(lambda w: w.starts_at + datetime.timedelta(hours=2))
    time_zone = "Europe/Helsinki"
    venue = "Oodi"
    address = "Töölönlahdenkatu 4, Helsinki"
    capacity = 10
    agenda = "<ol><li>Welcome</li><li>Stories in pairs</li></ol>"
    prompts = factory.LazyFunction(lambda: ["What did you try?", "What went wrong?"])

    class Meta:
        model = WorkshopPage


class WorkshopRegistrationFactory(factory.django.DjangoModelFactory):
    workshop = factory.SubFactory(WorkshopPageFactory)
    member = factory.SubFactory(MemberFactory)
    status = RegistrationStatus.REGISTERED

    class Meta:
        model = WorkshopRegistration


class StoryDraftFactory(factory.django.DjangoModelFactory):
    workshop = factory.SubFactory(WorkshopPageFactory)
    author = factory.SubFactory(MemberFactory)
    title = factory.Sequence(lambda n: f"Draft {n}")
    kind = StoryKind.SLIP_UP
    project = "A chatbot for the city's building permits."
    what_went_wrong = "Nobody used it."
    why = "We never asked the applicants."
    root_causes = factory.LazyFunction(lambda: ["assumption"])
    lesson = "Ask first."
    do_differently = "Interview five applicants before building."
    status = DraftStatus.PRIVATE

    class Meta:
        model = StoryDraft


def workshop_tree(home, **workshop_fields) -> WorkshopPage:
    """Stories page, workshops page and one workshop under `home` (the site's root page)."""
    stories = StoryIndexPageFactory(parent=home)
    workshops = WorkshopIndexPageFactory(parent=stories)
    return WorkshopPageFactory(parent=workshops, **workshop_fields)
