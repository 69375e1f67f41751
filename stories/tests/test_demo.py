"""The stories' demo loader: the stories page, imported stories and the ambassador's stories,
idempotent, with an anonymised slip-up told with consent."""

from io import StringIO

import pytest

from network.factories import MemberFactory, UserFactory
from portal.factories import CountryFactory
from stories.demo import AMBASSADOR_USERNAME, DEMO_PROCESS_SLUG, load_stories
from stories.models import StoryIndexPage, StoryPage
from stories.vocabularies import Disclosure, StoryKind

pytestmark = pytest.mark.django_db

IMPORTED = 2  # UNDP records read per load in these tests (Sudan, Eswatini)


@pytest.fixture
def ambassador(db):
    finland = CountryFactory(key="fi", name="Finland")
    for key, name in (("sd", "Sudan"), ("sz", "Eswatini")):
        CountryFactory(key=key, name=name)
    return MemberFactory(
        user=UserFactory(username=AMBASSADOR_USERNAME),
        display_name="Elina Korhonen",
        country=finland,
        is_ambassador=True,
    )


def test_loading_twice_creates_everything_once(home_page, ambassador):
    out = StringIO()

    first = load_stories(home_page, limit=IMPORTED, stdout=out)
    counts = (StoryIndexPage.objects.count(), StoryPage.objects.count())
    second = load_stories(home_page, limit=IMPORTED)

    demo = StoryPage.objects.filter(author=ambassador)
    assert first == IMPORTED + demo.count() and demo.count() >= 4
    assert second == 0
    assert (StoryIndexPage.objects.count(), StoryPage.objects.count()) == counts
    index = StoryIndexPage.objects.get()
    assert index.slug == "stories" and index.live and "Courage to Experiment" in index.intro
    assert StoryPage.objects.filter(source_id__startswith="undp-story:").count() == IMPORTED
    assert f"{IMPORTED} imported" in out.getvalue()


def test_the_ambassadors_stories_are_published_with_consent(home_page, ambassador):
    load_stories(home_page, limit=0)

    stories = StoryPage.objects.filter(author=ambassador)
    assert {story.kind for story in stories} == set(StoryKind.values)
    for story in stories:
        assert story.live and story.live_revision_id is not None, story.title
        assert story.disclosure_consent, story.title
        assert story.owner == ambassador.user, story.title
        assert story.country.key == "fi", story.title
        assert story.what_happened, story.title
    assert stories.filter(disclosure=Disclosure.MEMBERS).exists()


def test_the_anonymised_slip_up_names_no_author(home_page, ambassador):
    load_stories(home_page, limit=0)

    slip_up = StoryPage.objects.get(author=ambassador, disclosure=Disclosure.PUBLIC_ANONYMOUS)

    assert slip_up.kind == StoryKind.SLIP_UP
    assert slip_up.disclosure_consent
    assert slip_up.root_causes
    assert slip_up.shown_author is None
    page_text = " ".join(
        [slip_up.title, slip_up.summary, slip_up.municipality, slip_up.what_happened]
    )
    assert "Korhonen" not in page_text and "Helsinki" not in page_text


def test_the_success_story_links_the_budget_process_once_it_exists(home_page, ambassador):
    from budgeting.factories import ProcessFactory

    load_stories(home_page, limit=0)
    success = StoryPage.objects.get(author=ambassador, kind=StoryKind.SUCCESS)
    assert not success.processes.exists()  # the budgets are loaded after the stories

    process = ProcessFactory(slug=DEMO_PROCESS_SLUG)
    load_stories(home_page, limit=0)
    load_stories(home_page, limit=0)

    success.refresh_from_db()
    assert list(success.processes.all()) == [process]
    assert StoryPage.objects.filter(author=ambassador, kind=StoryKind.SUCCESS).count() == 1


def test_without_the_ambassador_only_the_imported_stories_load(home_page):
    CountryFactory(key="sd", name="Sudan")
    out = StringIO()

    created = load_stories(home_page, limit=1, stdout=out)

    assert created == 1
    assert not StoryPage.objects.filter(author__isnull=False).exists()
    assert AMBASSADOR_USERNAME in out.getvalue()
