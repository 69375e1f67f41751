"""Story pages: what a reader sees, members-only stories, and consent before publishing."""

import datetime
from decimal import Decimal

import pytest

from budgeting.factories import ProcessFactory
from cases.factories import CaseIndexPageFactory, CasePageFactory
from network.factories import MemberFactory, UserFactory
from network.models import MemberStatus
from stories.factories import CountryFactory, MethodFactory, StoryPageFactory, ThemeFactory
from stories.vocabularies import Disclosure
from toolkit.factories import ResourcePageFactory, ToolkitIndexPageFactory

pytestmark = pytest.mark.django_db


def test_story_page_shows_context_narrative_links_and_author(client, home, index):
    case = CasePageFactory(parent=CaseIndexPageFactory(parent=home), title="Clinic queues")
    tool = ResourcePageFactory(parent=ToolkitIndexPageFactory(parent=home), title="Journey map")
    process = ProcessFactory(title="Demo town budget 2025")
    author = MemberFactory(display_name="Aino Ambassador")
    story = StoryPageFactory(
        parent=index,
        title="Late invitations",
        author=author,
        country=CountryFactory(key="fi", name="Finland"),
        municipality="Oulu",
        started_on=datetime.date(2024, 3, 1),
        ended_on=datetime.date(2024, 9, 30),
        budget=Decimal("12500.00"),
        currency="EUR",
        methods=[MethodFactory(key="prototyping", name="Prototyping")],
        themes=[ThemeFactory(key="health", name="Health")],
        cases=[case],
        tools=[tool],
        processes=[process],
        root_causes=["timing", "stakeholders"],
    )

    response = client.get(story.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Slip-up" in html
    assert "Oulu" in html and "Finland" in html
    assert "€12,500" in html  # money in the reader's language (English: "€12,500")
    assert "Prototyping" in html and "Health" in html
    assert "The invitation went out too late." in html
    assert "Timing" in html and "Stakeholders" in html
    assert f'href="{case.url}"' in html
    assert f'href="{tool.url}"' in html
    assert f'href="{process.get_absolute_url()}"' in html
    assert f'href="{author.get_absolute_url()}">Aino Ambassador</a>' in html
    assert '<meta name="author" content="Aino Ambassador">' in html


def test_inactive_author_is_named_without_a_profile_link(client, index):
    author = MemberFactory(display_name="Olli Old", status=MemberStatus.DEACTIVATED)
    story = StoryPageFactory(parent=index, author=author)

    html = client.get(story.url).content.decode()

    assert "Olli Old" in html
    assert author.get_absolute_url() not in html


def test_imported_story_credits_its_source(client, index):
    story = StoryPageFactory(
        parent=index,
        author=None,
        source_name="UNDP Accelerator Labs",
        source_url="https://example.org/story/1",
        licence="MIT",
    )

    html = client.get(story.url).content.decode()

    assert "from UNDP Accelerator Labs" in html
    assert "licensed under" in html


def test_members_only_story_asks_visitors_to_sign_in(client, index):
    story = StoryPageFactory(
        parent=index, disclosure=Disclosure.MEMBERS, what_we_tried="<p>Secret pilot.</p>"
    )

    response = client.get(story.url)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Sign in to read it" in html
    assert "Secret pilot." not in html


def test_members_only_story_is_refused_to_a_pending_member(client, index):
    pending = MemberFactory(user=UserFactory(username="newbie"), status=MemberStatus.PENDING)
    story = StoryPageFactory(
        parent=index, disclosure=Disclosure.MEMBERS, what_we_tried="<p>Secret pilot.</p>"
    )
    client.force_login(pending.user)

    response = client.get(story.url)

    assert response.status_code == 403
    assert "Secret pilot." not in response.content.decode()


def test_members_only_story_answers_an_active_member(client, index, member):
    story = StoryPageFactory(
        parent=index, disclosure=Disclosure.MEMBERS, what_we_tried="<p>Secret pilot.</p>"
    )
    client.force_login(member.user)

    response = client.get(story.url)

    assert response.status_code == 200
    assert "Secret pilot." in response.content.decode()
