"""A story a member shares keeps the language they wrote it in: they say which on the form,
it goes into that language's section of the site when the stories index is translated there,
its page marks the text with its own `lang` for readers of other languages, and its search
document carries the language."""

import re

from wagtail.models import Locale

import pytest

from portal.languages import reader_language_path
from stories.models import StoryIndexPage, StoryPage
from stories.search import story_to_document

pytestmark = pytest.mark.django_db

FINNISH_STORY = {
    "title": "Chatbotti, jota kukaan ei pyytänyt",
    "kind": "slip-up",
    "summary": "Rakensimme lupapalveluun chatbotin, eikä kukaan käyttänyt sitä.",
    "written_in": "fi",
    "what_we_tried": "Chatbotti rakennuslupiin.",
    "what_happened": "Kukaan ei käyttänyt sitä.",
    "disclosure": "public-anonymous",
    "consent": "on",
}


@pytest.fixture
def locales(db):
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in ("fi", "sv")}


@pytest.fixture
def finnish_index(index, locales):
    """The stories index translated into Finnish (its home page too), live."""
    translation = index.copy_for_translation(locales["fi"], copy_parents=True)
    translation.title = "Tarinat"
    translation.slug = "tarinat"
    translation.save_revision().publish()
    return StoryIndexPage.objects.get(pk=translation.pk)


def _share(client, index, member, language: str = "en", **changes) -> StoryPage:
    client.force_login(member.user)
    share_url = reader_language_path(index.url + "share/", language)
    response = client.post(share_url, FINNISH_STORY | changes)
    assert response.status_code == 302, response.content.decode()[:2000]
    return StoryPage.objects.get(title=FINNISH_STORY["title"])


def _published(story: StoryPage) -> StoryPage:
    story.get_latest_revision().publish()
    return StoryPage.objects.get(pk=story.pk)


def test_the_share_form_offers_the_readers_language(client, index, member):
    client.force_login(member.user)

    for code in ("fi", "sv", "en"):
        html = client.get(reader_language_path(index.url + "share/", code)).text
        select = html.split('name="written_in"', 1)[1].split("</select>", 1)[0]
        assert re.search(r'<option value="(\w+)" selected>', select).group(1) == code


def test_a_finnish_story_goes_into_the_finnish_stories_index(client, index, finnish_index, member):
    story = _share(client, index, member)  # shared from the English site

    assert story.written_in == "fi"
    assert story.get_parent().specific == finnish_index
    assert story.locale.language_code == "fi"
    assert story_to_document(_published(story)).language == "fi"


def test_a_story_in_a_language_without_its_own_stories_index_stays_where_it_was_shared(
    client, index, locales, member
):
    story = _share(client, index, member, language="fi")

    assert story.written_in == "fi"
    assert story.get_parent().specific == index
    assert story.locale.language_code == "en"
    # its document is in Finnish all the same
    assert story_to_document(_published(story)).language == "fi"


def test_a_story_the_member_did_not_say_the_language_of_is_as_before(client, index, member):
    story = _share(client, index, member, written_in="")

    assert story.written_in == ""
    assert story.get_parent().specific == index
    assert story_to_document(_published(story)).language == "en"


@pytest.mark.parametrize("in_finnish_tree", [False, True])
def test_a_finnish_story_read_in_english_is_marked_finnish_with_a_notice(
    client, index, locales, member, request, in_finnish_tree
):
    if in_finnish_tree:
        request.getfixturevalue("finnish_index")
    story = _published(_share(client, index, member))
    client.logout()

    english = client.get(reader_language_path(story.url, "en"))

    assert english.status_code == 200
    html = english.text
    assert re.search(r'<html lang="en"', html)  # the interface is the reader's
    assert f'<h1 lang="fi">{FINNISH_STORY["title"]}</h1>' in html
    assert f'<p class="lede" lang="fi">{FINNISH_STORY["summary"]}</p>' in html
    assert '<div lang="fi"><p>Chatbotti rakennuslupiin.</p></div>' in html
    notice = html.split('class="language-notice"', 1)[1].split("</p>", 1)[0]
    assert "the language its author wrote it in: Finnish" in notice

    finnish = client.get(reader_language_path(story.url, "fi")).text
    assert 'class="language-notice"' not in finnish
    assert 'lang="fi"' not in finnish.split("<main", 1)[1]


def test_a_translation_of_a_members_story_is_in_its_own_language(client, index, locales, member):
    story = _published(_share(client, index, member))

    swedish = story.copy_for_translation(locales["sv"], copy_parents=True)

    assert swedish.written_in == ""
    assert story_to_document(story).language == "fi"


def test_a_story_in_the_finnish_stories_index_goes_through_the_editors_review(
    client, index, finnish_index, member
):
    from wagtail.models import Site

    from stories.models.stories import StorySettings
    from stories.services.stories import REVIEW_WORKFLOW_NAME

    settings = StorySettings.for_site(Site.objects.get(is_default_site=True))
    settings.review_required = True
    settings.save()

    story = _share(client, index, member)

    assert story.get_parent().specific == finnish_index
    assert story.get_workflow().name == REVIEW_WORKFLOW_NAME

    settings.review_required = False
    settings.save()
    assert getattr(story.get_workflow(), "name", None) != REVIEW_WORKFLOW_NAME
