"""Who reads members-only content: one rule on every surface.

A members-only story with a distinctive title and body word is looked for through the story
page, the search page, the search API, autocomplete, the stories listing's own search, the
Atom feed, the related documents of a linked case, and the case library's exports, as a
visitor, a pending, a rejected, a deactivated and a deleted account, an active member, a network
editor and an administrator. Only the last three read it; everyone else sees what a visitor
sees, everywhere.
"""

import json

import pytest

from cases.factories import CaseIndexPageFactory, CasePageFactory
from network.factories import MemberFactory, UserFactory
from network.models import MemberStatus
from stories.factories import StoryIndexPageFactory, StoryPageFactory, ThemeFactory
from stories.vocabularies import Disclosure

pytestmark = pytest.mark.django_db

TITLE = "Quillwort ferry timetable trial"
WORD = "zarnivoop"  # only in the story's body
SECRETS = ("ferry timetable trial", "schedule confused everyone", "ran on a new timetable")
PUBLIC_TITLE = "Quillwort bus stop benches"  # a public story the same words find

READERS = ("member", "editor", "superuser")
VISITOR_LIKE = ("visitor", "pending", "rejected", "deactivated", "deleted")


def _account(role: str):
    if role == "visitor":
        return None
    if role == "superuser":
        return UserFactory(username="root", is_superuser=True, is_staff=True)
    status = {
        "member": MemberStatus.ACTIVE,
        "editor": MemberStatus.ACTIVE,
        "pending": MemberStatus.PENDING,
        "rejected": MemberStatus.REJECTED,
        "deactivated": MemberStatus.DEACTIVATED,
        "deleted": MemberStatus.DELETED,
    }[role]
    member = MemberFactory(
        user=UserFactory(username=f"{role}-reader"), status=status, is_editor=role == "editor"
    )
    if role == "deleted":
        member.user.is_active = False
        member.user.save()
    return member.user


@pytest.fixture
def content(home):
    from search.outbox import outbox_drain

    transport = ThemeFactory(key="transport", name="Transport")
    library = CaseIndexPageFactory(parent=home)
    case = CasePageFactory(parent=library, title="Ferry timetables", themes=[transport])
    index = StoryIndexPageFactory(parent=home)
    secret = StoryPageFactory(
        parent=index,
        title=TITLE,
        summary="What we learned when the ferry ran on a new timetable.",
        what_happened=f"<p>The {WORD} schedule confused everyone.</p>",
        disclosure=Disclosure.MEMBERS,
        themes=[transport],
        cases=[case],
    )
    StoryPageFactory(
        parent=index,
        title=PUBLIC_TITLE,
        summary="Benches at the bus stops.",
        themes=[transport],
        cases=[case],
    )
    while outbox_drain(force=True).entries:
        pass
    return {"index": index, "story": secret, "case": case, "library": library}


def _client_as(client, role: str):
    user = _account(role)
    if user is not None:
        client.force_login(user)
    return client


def _surfaces(client, content) -> dict[str, tuple[int, str]]:
    """Each surface's status and text, for the signed-in (or not) client."""
    index, story, case, library = (
        content["index"],
        content["story"],
        content["case"],
        content["library"],
    )
    answers = {}
    for name, path, params in (
        ("page", story.url, {}),
        ("search page", "/en/search/", {"q": WORD}),
        ("search page by title", "/en/search/", {"q": "Quillwort"}),
        ("search api", "/en/api/search/", {"q": WORD}),
        ("search api by kind", "/en/api/search/", {"kind": "story"}),
        ("suggest", "/en/api/search/suggest/", {"q": "Quillwort"}),
        ("stories listing", index.url, {"q": WORD}),
        ("stories listing, all", index.url, {}),
        ("feed", index.url + "feed/", {}),
        ("case page (related)", case.url, {}),
        ("cases export csv", library.url + "export.csv", {"q": "ferry"}),
        ("cases export json", library.url + "export.json", {"q": "ferry"}),
    ):
        response = client.get(path, params)
        if response.streaming:
            text = b"".join(response.streaming_content).decode()
        else:
            text = response.content.decode()
        answers[name] = (response.status_code, text)
    return answers


def _leaks(answers: dict[str, tuple[int, str]]) -> list[str]:
    """The surfaces whose answer holds anything of the story: its title, summary or body.

    (Searches echo the word searched for, so the body is recognised by the words around it,
    which a highlight shows; a highlight may wrap "Quillwort" in <mark>, so the title is
    recognised by the rest of it.)"""
    return [
        name
        for name, (_status, text) in answers.items()
        if any(secret in text for secret in SECRETS)
    ]


@pytest.mark.parametrize("role", VISITOR_LIKE)
def test_accounts_without_an_active_membership_see_what_visitors_see(client, content, role):
    answers = _surfaces(_client_as(client, role), content)

    assert _leaks(answers) == []
    assert answers["page"][0] == 403
    # the same searches still find the public story: nothing else is hidden
    assert "bus stop benches" in answers["search page by title"][1]
    assert "bus stop benches" in answers["stories listing, all"][1]


@pytest.mark.parametrize("role", READERS)
def test_active_members_editors_and_administrators_read_members_only_stories(client, content, role):
    answers = _surfaces(_client_as(client, role), content)

    assert answers["page"][0] == 200
    assert WORD in answers["page"][1]
    # (the search page may mark the words searched for: look for the rest of the title)
    assert "ferry timetable trial" in answers["search page"][1]
    assert "ferry timetable trial" in answers["search page by title"][1]
    assert [hit["title"] for hit in json.loads(answers["search api"][1])["hits"]] == [TITLE]
    assert TITLE in [hit["title"] for hit in json.loads(answers["search api by kind"][1])["hits"]]
    assert "ferry timetable trial" in answers["stories listing"][1]
    assert "ferry timetable trial" in answers["stories listing, all"][1]
    # public surfaces stay public for everyone: autocomplete is cached for all, the feed is
    # read by feed readers that sign in nowhere, related documents are shared by every reader
    for public_only in ("suggest", "feed", "case page (related)"):
        assert "ferry timetable trial" not in answers[public_only][1], public_only
    assert "bus stop benches" in answers["case page (related)"][1]


def test_pending_account_is_told_why_it_cannot_read_the_story(client, content):
    response = _client_as(client, "pending").get(content["story"].url)

    assert response.status_code == 403
    assert "waiting for approval" in response.content.decode()


def test_search_asks_the_network_rule_for_every_status(content):
    """The search's answer to "may this account find members-only documents" is the
    network's rule (`network.permissions.is_active_member`), for every kind of account."""
    from network.permissions import is_active_member
    from search.documents import Visibility
    from search.selectors import search_visibility_for

    for role in READERS + VISITOR_LIKE:
        user = _account(role)
        expected = is_active_member(user)
        assert (Visibility.MEMBERS in search_visibility_for(user)) is expected, role
        assert expected is (role in READERS), role


@pytest.mark.parametrize(
    ("role", "status"),
    [("visitor", 302), ("pending", 403), ("deactivated", 403), ("member", 200), ("editor", 200)],
)
def test_pages_private_to_signed_in_users_follow_the_same_rule(client, home, role, status):
    """Wagtail's "private, accessible to logged-in users" means members here."""
    from wagtail.models import PageViewRestriction

    from portal.models import StandardPage

    page = home.add_child(instance=StandardPage(title="Network budget notes", slug="notes"))
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    response = _client_as(client, role).get(page.url)

    assert response.status_code == status
    assert ("Network budget notes" in response.content.decode()) is (status == 200)
