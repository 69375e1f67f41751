"""Workshops in the knowledge index, and the demo workshops."""

import datetime

from django.utils import timezone

from wagtail.models import Revision

from network.factories import MemberFactory, UserFactory
from portal.factories import CountryFactory, ThemeFactory
from search.query import SearchQuery
from search.selectors import search_run
from stories.factories import StoryIndexPageFactory, StoryPageFactory
from stories.workshops.demo import PAST_SLUG, UPCOMING_SLUG, workshops_ensure
from stories.workshops.factories import days_from_now, workshop_tree
from stories.workshops.models import WorkshopPage
from stories.workshops.search import workshop_queryset, workshop_to_document


def test_workshop_document_has_its_date_place_facets_and_stories(home_page):
    finland, health = CountryFactory(key="fi"), ThemeFactory(key="health")
    # 00:30 in Helsinki is still the day before in UTC: the date is the workshop's own
    starts = days_from_now(10, 0).replace(minute=30)
    workshop = workshop_tree(
        home_page,
        title="Health slip-ups",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        country=finland,
        online_url="https://meet.example.org/secret-room",
    )
    workshop.themes.set([health])
    workshop.save()
    story = StoryPageFactory(parent=workshop.get_parent().get_parent(), workshop=workshop)
    page = workshop_queryset().get(pk=workshop.pk)
    document = workshop_to_document(page)
    assert document.id == f"workshop:{workshop.pk}" and document.kind == "workshop"
    assert document.date == starts.date()
    assert document.countries == ("fi",) and document.themes == ("health",)
    assert document.summary == "An evening of slip-up stories."
    assert "Oodi" in document.body and "Stories in pairs" in document.body
    assert "secret-room" not in document.body + document.summary
    assert document.related == (f"story:{story.pk}",)
    assert document.url == workshop.url


def test_draft_workshops_are_not_documents(home_page):
    workshop = workshop_tree(home_page)
    workshop.unpublish()
    assert workshop_to_document(WorkshopPage.objects.get(pk=workshop.pk)) is None


def test_workshop_is_found_in_search(home_page):
    workshop = workshop_tree(home_page, title="Courage workshop in Tampere")
    from search.outbox import outbox_drain

    while outbox_drain(force=True).entries:
        pass
    results = search_run(SearchQuery(text="Tampere", kinds=("workshop",)))
    assert [hit.document.id for hit in results.hits] == [f"workshop:{workshop.pk}"]


def test_demo_workshops_are_created_once_and_stay_upcoming(home_page):
    ambassador = MemberFactory(user=UserFactory(username="ambassador-fi"))
    index = StoryIndexPageFactory(parent=home_page)
    workshops = workshops_ensure(index)
    assert workshops.slug == "workshops" and workshops.live
    revisions = Revision.objects.count()
    assert workshops_ensure(index).pk == workshops.pk
    assert Revision.objects.count() == revisions  # the second run changes nothing
    pages = {page.slug: page for page in WorkshopPage.objects.child_of(workshops)}
    assert set(pages) == {PAST_SLUG, UPCOMING_SLUG}
    past, upcoming = pages[PAST_SLUG], pages[UPCOMING_SLUG]
    assert past.is_past and past.live
    assert upcoming.starts_at > timezone.now() and not upcoming.has_started
    assert past.time_zone == "Europe/Helsinki" and past.address
    assert upcoming.online_url and not upcoming.venue
    assert upcoming.capacity <= 12 and len(upcoming.prompts) == 5
    for page in (past, upcoming):
        assert list(page.facilitators.all()) == [ambassador]
        assert page.agenda
    assert WorkshopPage.objects.count() == 2
