"""An anonymised story names its author nowhere: every place a reader or another member could
see it is checked here with one real story whose author has a distinctive name."""

import json

import pytest

from cases.factories import CaseIndexPageFactory, CasePageFactory
from network.factories import MemberFactory, UserFactory
from stories.factories import CountryFactory, StoryPageFactory, ThemeFactory
from stories.permissions import ambassador_group_sync
from stories.vocabularies import Disclosure

pytestmark = pytest.mark.django_db

NAME = "Zebulon Quixote-Hämäläinen"
USERNAME = "zebulonq"
SECRETS = (NAME, USERNAME, "Zebulon", "Quixote")


def assert_no_author(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


@pytest.fixture
def author(db):
    member = MemberFactory(
        user=UserFactory(username=USERNAME, first_name="Zebulon", last_name="Quixote"),
        display_name=NAME,
        is_ambassador=True,
    )
    ambassador_group_sync(member)
    return member


@pytest.fixture
def story(home, index, author, drain):
    finland = CountryFactory(key="fi", name="Finland")
    health = ThemeFactory(key="health", name="Health")
    case = CasePageFactory(
        parent=CaseIndexPageFactory(parent=home),
        title="Waiting rooms",
        countries=[finland],
        themes=[health],
    )
    story = StoryPageFactory(
        parent=index,
        title="Waiting rooms that nobody used",
        summary="Residents stayed away from the new waiting rooms.",
        author=author,
        disclosure=Disclosure.PUBLIC_ANONYMOUS,
        country=finland,
        themes=[health],
        cases=[case],
    )
    # the author edits it later: revisions and history entries carry their account
    revision = story.save_revision(user=author.user, log_action=True)
    revision.publish(user=author.user)
    drain()
    story.linked_case = case
    return story


def test_story_page_and_its_metadata_name_nobody(client, story):
    response = client.get(story.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Told anonymously" in html
    assert 'name="author"' not in html
    assert "article:author" not in html
    structured = html.split('type="application/ld+json"', 1)[1].split("</script>", 1)[0]
    assert '"author"' not in structured
    assert_no_author(html)


def test_listing_card_names_nobody(client, index, story):
    response = client.get(index.url, {"outcome": "slip-up"})

    assert "Waiting rooms that nobody used" in response.content.decode()
    assert_no_author(response.content.decode())


def test_search_page_api_and_suggestions_name_nobody(client, story):
    page = client.get("/search/", {"q": "waiting rooms"})
    by_name = client.get("/api/search/", {"q": "Zebulon", "kind": "story"})
    api = client.get("/api/search/", {"q": "waiting rooms", "kind": "story"})
    suggest = client.get("/api/search/suggest/", {"q": "Waiting"})

    assert "that nobody used" in page.content.decode()
    assert_no_author(page.content.decode())
    assert by_name.json()["total"] == 0  # no story document holds the name
    assert [hit["title"] for hit in api.json()["hits"]] == ["Waiting rooms that nobody used"]
    assert_no_author(json.dumps(api.json(), ensure_ascii=False))
    titles = [s["title"] for s in suggest.json()["suggestions"]]
    assert "Waiting rooms that nobody used" in titles
    assert_no_author(json.dumps(suggest.json(), ensure_ascii=False))


def test_search_document_holds_no_author(story):
    from stories.search import story_queryset, story_to_document

    document = story_to_document(story_queryset().get(pk=story.pk))

    assert_no_author(json.dumps(document.to_dict(), ensure_ascii=False))


def test_related_content_on_the_case_page_names_nobody(client, story):
    response = client.get(story.linked_case.url)

    html = response.content.decode()
    assert "Waiting rooms that nobody used" in html
    assert_no_author(html)


def test_feed_names_nobody(client, index, story):
    response = client.get(index.url + "feed/")

    assert b"Waiting rooms that nobody used" in response.content
    assert b"<author>" not in response.content
    assert_no_author(response.content.decode())


@pytest.fixture
def other_ambassador(db):
    member = MemberFactory(user=UserFactory(username="otto"), is_ambassador=True)
    ambassador_group_sync(member)
    return member


def test_another_ambassador_cannot_open_the_story_in_the_admin(client, story, other_ambassador):
    client.force_login(other_ambassador.user)

    for path in (
        f"/admin/pages/{story.pk}/edit/",
        f"/admin/pages/{story.pk}/revisions/",
        f"/admin/pages/{story.pk}/history/",
        f"/admin/pages/{story.pk}/unpublish/",
        f"/admin/pages/{story.pk}/delete/",
    ):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        assert_no_author(response.content.decode())


def test_admin_listings_show_another_ambassador_nothing_of_the_author(
    client, index, story, other_ambassador
):
    client.force_login(other_ambassador.user)

    for path in (
        "/admin/",
        f"/admin/pages/{index.pk}/",
        "/admin/pages/search/?q=waiting",
        "/admin/reports/site-history/",
        "/admin/reports/aging-pages/",
        "/admin/reports/workflow/",
    ):
        response = client.get(path)
        assert response.status_code in (200, 302, 403), path
        assert not [s for s in SECRETS if s in response.content.decode()], path
