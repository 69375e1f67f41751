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
    page = client.get("/en/search/", {"q": "waiting rooms"})
    by_name = client.get("/en/api/search/", {"q": "Zebulon", "kind": "story"})
    api = client.get("/en/api/search/", {"q": "waiting rooms", "kind": "story"})
    suggest = client.get("/en/api/search/suggest/", {"q": "Waiting"})

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


# The admin. Decided: those who moderate stories see who wrote an anonymised story, because
# moderating needs it (checking the author's consent, asking them about the text): the author,
# network editors (the "Story reviewers" group), Wagtail's Moderators and administrators. No one
# else in the admin does: other ambassadors, and admin accounts without rights on the stories.


def _admin_surfaces(story, index) -> list[str]:
    from wagtail.models import Revision

    revisions = Revision.objects.filter(object_id=str(story.pk)).order_by("pk")
    first, last = revisions.first().pk, revisions.last().pk
    return [
        f"/admin/pages/{story.pk}/",  # the explorer, whose header names the last publisher
        f"/admin/pages/{story.pk}/edit/",
        f"/admin/pages/{story.pk}/history/",
        f"/admin/pages/{story.pk}/revisions/",
        f"/admin/pages/{story.pk}/revisions/compare/{first}...{last}/",
        f"/admin/pages/{story.pk}/workflow_history/",
        f"/admin/pages/{story.pk}/usage/",
        f"/admin/pages/{story.pk}/view_draft/",
        f"/admin/pages/{index.pk}/",
        f"/admin/pages/{index.pk}/?ordering=owner",
        "/admin/pages/search/?q=waiting",
        "/admin/choose-page/",
        f"/admin/choose-page/{index.pk}/",
        "/admin/choose-page/search/?q=waiting",
        f"/admin/api/main/pages/?child_of={index.pk}",
        f"/admin/api/main/pages/{story.pk}/",
        f"/admin/snippets/network/member/usage/{story.author.pk}/",
        f"/admin/snippets/network/member/inspect/{story.author.pk}/",
        "/admin/reports/site-history/",
        "/admin/",
    ]


@pytest.fixture
def admin_without_story_rights(db):
    """A staff account that may open the admin and nothing in the stories area."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="clerk", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.mark.parametrize("role", ["other ambassador", "admin account without story rights"])
def test_nobody_but_moderators_finds_the_author_anywhere_in_the_admin(
    client, index, story, other_ambassador, admin_without_story_rights, role
):
    user = other_ambassador.user if role == "other ambassador" else admin_without_story_rights
    client.force_login(user)

    leaks = {}
    for path in _admin_surfaces(story, index):
        response = client.get(path)
        assert response.status_code < 500, path
        found = [s for s in SECRETS if s in response.content.decode()]
        if found:
            leaks[path] = found
    # searching the admin for the author's name finds nothing either (the box echoes the word)
    for path in ("/admin/pages/search/?q=Quixote", "/admin/choose-page/search/?q=Quixote"):
        text = client.get(path).content.decode()
        if "Zebulon" in text or "Waiting rooms that nobody used" in text:
            leaks[path] = ["Zebulon"]

    assert leaks == {}


@pytest.fixture
def network_editor(db):
    from stories.permissions import editor_group_sync

    member = MemberFactory(user=UserFactory(username="editor"), is_editor=True)
    editor_group_sync(member)
    return member.user


@pytest.fixture
def moderator(db):
    from django.contrib.auth.models import Group

    user = UserFactory(username="moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.mark.parametrize("role", ["network editor", "Wagtail moderator", "administrator"])
def test_those_who_moderate_see_who_wrote_it_in_the_admin(
    client, story, network_editor, moderator, role
):
    user = {
        "network editor": network_editor,
        "Wagtail moderator": moderator,
        "administrator": UserFactory(username="root", is_superuser=True, is_staff=True),
    }[role]
    client.force_login(user)

    edit = client.get(f"/admin/pages/{story.pk}/edit/").content.decode()
    history = client.get(f"/admin/pages/{story.pk}/history/").content.decode()

    assert NAME in edit  # the author field, which they may correct
    assert "Zebulon" in history  # who changed the story, and when
