"""The stories listing (/stories/) through the knowledge index, and the Atom feed."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from network.factories import MemberFactory
from stories.factories import CountryFactory, StoryPageFactory, ThemeFactory
from stories.vocabularies import Disclosure, StoryKind

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _days_ago(days: int) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)


def _titles(response) -> list[str]:
    return [card["document"].title for card in response.context["cards"]]


def _facet(response, name: str) -> dict[str, int]:
    facet = next(f for f in response.context["facets"] if f["name"] == name)
    return {v["value"]: v["count"] for v in facet["values"]}


@pytest.fixture
def corpus(index, drain):
    fi = CountryFactory(key="fi", name="Finland")
    se = CountryFactory(key="se", name="Sweden")
    health = ThemeFactory(key="health", name="Health")
    StoryPageFactory(
        parent=index,
        title="Late letters",
        kind=StoryKind.SLIP_UP,
        country=fi,
        root_causes=["timing"],
        themes=[health],
        first_published_at=_days_ago(30),
    )
    StoryPageFactory(
        parent=index,
        title="Open benches",
        kind=StoryKind.SUCCESS,
        country=se,
        root_causes=["stakeholders"],
        first_published_at=_days_ago(20),
    )
    StoryPageFactory(
        parent=index,
        title="Data lake",
        kind=StoryKind.SLIP_UP,
        country=se,
        root_causes=["data", "procurement"],
        first_published_at=_days_ago(10),
    )
    StoryPageFactory(
        parent=index,
        title="Members circle",
        kind=StoryKind.UNFINISHED,
        country=fi,
        disclosure=Disclosure.MEMBERS,
    )
    drain()


def test_listing_filters_by_kind_and_counts_facets(client, index, corpus):
    response = client.get(index.url, {"outcome": "slip-up"})

    assert response.status_code == 200
    assert sorted(_titles(response)) == ["Data lake", "Late letters"]
    # the kind facet counts without its own selection; members-only stories are not counted
    assert _facet(response, "outcome") == {"slip-up": 2, "success": 1}
    assert _facet(response, "root_cause") == {"timing": 1, "data": 1, "procurement": 1}
    html = response.content.decode()
    assert "Slip-up" in html and "Finland" in html


def test_listing_filters_by_root_cause_country_and_theme(client, index, corpus):
    assert _titles(client.get(index.url, {"root_cause": "procurement"})) == ["Data lake"]
    assert sorted(_titles(client.get(index.url, {"country": "se"}))) == [
        "Data lake",
        "Open benches",
    ]
    assert _titles(client.get(index.url, {"theme": "health"})) == ["Late letters"]


def test_members_see_members_only_stories(client, index, corpus, member):
    assert "Members circle" not in _titles(client.get(index.url))
    client.force_login(member.user)

    response = client.get(index.url)

    assert "Members circle" in _titles(response)
    assert "Members only" in response.content.decode()


def test_listing_refuses_a_facet_of_another_kind(client, index, corpus):
    response = client.get(index.url, {"format": "guide"})

    assert response.status_code == 400
    assert "do not apply to stories" in response.content.decode()


def test_listing_links_the_feed_and_sorts_newest_first(client, index, corpus):
    response = client.get(index.url)

    html = response.content.decode()
    assert 'type="application/atom+xml"' in html
    assert f'href="{index.url}feed/"' in html
    assert _titles(response) == ["Data lake", "Open benches", "Late letters"]


def test_listing_query_count_does_not_grow_with_stories(
    client, index, corpus, drain, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30) as few:
        client.get(index.url)
    for number in range(15):
        StoryPageFactory(parent=index, title=f"More {number}", author=MemberFactory())
    drain()

    with django_assert_max_num_queries(len(few)):
        response = client.get(index.url)

    assert len(response.context["cards"]) == 18


def test_feed_lists_public_stories_newest_first_with_named_authors_only(client, index, drain):
    StoryPageFactory(
        parent=index,
        title="Named one",
        author=MemberFactory(display_name="Nora Named"),
        first_published_at=_days_ago(5),
    )
    StoryPageFactory(
        parent=index,
        title="Nameless one",
        author=MemberFactory(display_name="Hidden Hilkka"),
        disclosure=Disclosure.PUBLIC_ANONYMOUS,
        first_published_at=_days_ago(1),
    )
    StoryPageFactory(parent=index, title="Inner circle", disclosure=Disclosure.MEMBERS)

    response = client.get(index.url + "feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == ["Slip-up: Nameless one", "Slip-up: Named one"]
    authors = {
        entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}author/{ATOM}name")
        for entry in entries
    }
    assert authors == {"Slip-up: Nameless one": None, "Slip-up: Named one": "Nora Named"}
    assert b"Hidden Hilkka" not in response.content


def test_search_page_lists_stories_by_kind(client, index, corpus):
    response = client.get("/en/search/", {"kind": "story"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Late letters" in html and "Open benches" in html
    assert "Members circle" not in html
