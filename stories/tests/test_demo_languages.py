"""The stories area of the demo in Finnish and Swedish: the stories page, the workshops and the
ambassador's stories are translations of the English pages, written from the catalogues, linked
to each other in their own language, and loaded once however often the demo runs. A workshop
read in Finnish is the same event as in English: one list of registrations."""

import re

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from wagtail.models import Page, Revision

import pytest

from network.factories import MemberFactory, UserFactory
from portal.demo import DemoReport, demo_translations_ensure
from portal.factories import CountryFactory
from portal.languages import page_url
from stories.demo import AMBASSADOR_USERNAME, demo_story_specs, load_stories, story_index_content
from stories.models import StoryIndexPage, StoryPage
from stories.vocabularies import StoryKind
from stories.workshops.demo import (
    PAST_SLUG,
    UPCOMING_SLUG,
    _past_workshop,
    workshop_index_content,
)
from stories.workshops.models import WorkshopIndexPage, WorkshopPage, WorkshopRegistration
from stories.workshops.vocabularies import RegistrationStatus

pytestmark = pytest.mark.django_db

NOTICE = 'class="language-notice"'


@pytest.fixture
def demo(home_page):
    """The stories demo without imports, under a home page published in the three languages
    (as the site's demo makes it)."""
    MemberFactory(
        user=UserFactory(username=AMBASSADOR_USERNAME),
        display_name="Elina Korhonen",
        country=CountryFactory(key="fi", name="Finland"),
        is_ambassador=True,
    )
    demo_translations_ensure(DemoReport(), home_page, lambda: {"title": "Kokeilu"})
    load_stories(home_page, limit=0)
    return home_page


def in_language(page, language: str):
    return page.get_translations(inclusive=True).get(locale__language_code=language).specific


def english(model, **lookups):
    return model.objects.get(locale__language_code="en", **lookups)


def story_spec(kind: str, language: str) -> dict:
    with translation.override(language):
        return next(spec for spec in demo_story_specs() if spec["kind"] == kind)


def html_language(response) -> str:
    return re.search(r'<html lang="([a-z-]+)"', response.text).group(1)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_stories_page_and_a_story_read_in_each_language(client, demo, language):
    story = in_language(english(StoryPage, kind=StoryKind.SUCCESS), language)
    spec = story_spec(StoryKind.SUCCESS, language)
    with translation.override(language):
        index_texts = story_index_content()

    index_page = client.get(f"/{language}/stories/")
    story_page = client.get(f"/{language}/stories/{story.slug}/")

    assert index_page.status_code == story_page.status_code == 200
    assert escape(index_texts["intro"]) in index_page.text
    assert f"<h1>{escape(index_texts['title'])}</h1>" in index_page.text
    assert f"<h1>{escape(spec['title'])}</h1>" in story_page.text
    assert escape(spec["summary"]) in story_page.text
    assert escape(spec["municipality"]) in story_page.text
    assert spec["narrative"]["what_we_learned"] in story_page.text
    for response in (index_page, story_page):
        assert html_language(response) == language
        assert NOTICE not in response.text


def test_the_switcher_on_the_english_story_leads_to_the_finnish_one(client, demo):
    story = english(StoryPage, kind=StoryKind.UNFINISHED)
    finnish = in_language(story, "fi")

    response = client.get(page_url(story))
    switcher_link = re.search(r'<a [^>]*hreflang="fi"[^>]*>', response.text).group(0)
    href = re.search(r'href="([^"]+)"', switcher_link).group(1)
    followed = client.get(href)

    assert href == f"/fi/stories/{finnish.slug}/"
    assert followed.status_code == 200
    assert escape(story_spec(StoryKind.UNFINISHED, "fi")["title"]) in followed.text
    assert html_language(followed) == "fi"


def test_the_workshops_are_in_finnish_and_the_finnish_story_links_the_finnish_one(client, demo):
    workshop = in_language(english(WorkshopPage, slug=PAST_SLUG), "fi")
    story = in_language(english(StoryPage, kind=StoryKind.SLIP_UP, workshop__isnull=False), "fi")
    with translation.override("fi"):
        texts, index_texts = _past_workshop(), workshop_index_content()

    workshop_url = page_url(workshop)
    index_page = client.get("/fi/stories/workshops/")
    workshop_page = client.get(workshop_url)
    story_page = client.get(page_url(story))

    assert escape(index_texts["intro"]) in index_page.text
    assert escape(texts["title"]) in index_page.text
    assert escape(texts["summary"]) in workshop_page.text
    assert escape(texts["venue"]) in workshop_page.text
    assert texts["agenda"] in workshop_page.text
    for response in (index_page, workshop_page):
        assert html_language(response) == "fi"
        assert NOTICE not in response.text
    assert story.workshop_id == workshop.pk  # not the English workshop
    assert f'<a href="{workshop_url}">{escape(texts["title"])}</a>' in story_page.text


def test_a_finnish_reader_registers_for_the_same_event(client, demo):
    original = english(WorkshopPage, slug=UPCOMING_SLUG)
    finnish = in_language(original, "fi")
    original_url, finnish_url = page_url(original), page_url(finnish)
    listing_url = page_url(finnish.get_parent())
    reader = MemberFactory()
    client.force_login(reader.user)

    response = client.post(finnish_url + "register/")

    assert finnish_url.startswith("/fi/")
    assert response.status_code == 302
    assert response["Location"] == f"{finnish_url}#registration"
    registration = WorkshopRegistration.objects.get(member=reader)
    assert registration.workshop_id == original.pk
    assert registration.status == RegistrationStatus.REGISTERED
    # one place taken, in every language: on both pages and in the Finnish listing
    for language, url in (("en", original_url), ("fi", finnish_url), ("fi", listing_url)):
        with translation.override(language):
            left = ngettext(
                "%(left)s of %(counter)s place left",
                "%(left)s of %(counter)s places left",
                original.capacity,
            ) % {"left": original.capacity - 1, "counter": original.capacity}
            cancel = gettext("Cancel my place")
        page = client.get(url)
        assert left in page.text, url
        if url != listing_url:
            assert cancel in page.text, url
    # and cancelling in English frees the place taken in Finnish
    client.post(original_url + "cancel/")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_reloading_the_demo_creates_nothing_new(demo):
    counts = (Page.objects.count(), Revision.objects.count())

    created = load_stories(demo, limit=0)

    assert created == 0
    assert (Page.objects.count(), Revision.objects.count()) == counts
    assert StoryIndexPage.objects.count() == WorkshopIndexPage.objects.count() == 3
    assert WorkshopPage.objects.count() == 2 * 3
    stories = StoryPage.objects.filter(author__user__username=AMBASSADOR_USERNAME)
    for language in ("en", "fi", "sv"):
        assert stories.filter(locale__language_code=language, live=True).count() == 4
