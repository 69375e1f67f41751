"""The public share form: members only, typed values kept on errors, a draft for review."""

import re

import pytest

from network.factories import MemberFactory, UserFactory
from network.models import MemberStatus
from stories.models import StoryPage

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Our chatbot nobody asked for",
    "kind": "slip-up",
    "what_we_tried": "A chatbot for permits.\n\n<script>alert(1)</script> & more",
    "what_happened": "Nobody used it.",
    "root_causes": ["assumption", "stakeholders"],
    "disclosure": "public-anonymous",
    "consent": "on",
}


def test_visitors_are_sent_to_sign_in(client, index):
    response = client.get(index.url + "share/")

    assert response.status_code == 302
    assert "/en/accounts/login/" in response["Location"]


def test_pending_members_may_not_share(client, index):
    pending = MemberFactory(user=UserFactory(username="newbie"), status=MemberStatus.PENDING)
    client.force_login(pending.user)

    response = client.post(index.url + "share/", VALID)

    assert response.status_code == 403
    assert not StoryPage.objects.exists()


def test_invalid_input_keeps_what_was_typed_with_a_message_per_field(client, index, member):
    client.force_login(member.user)

    response = client.post(
        index.url + "share/",
        {**VALID, "consent": "", "started_on": "2024-05-01", "ended_on": "2024-01-01"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Tick this box to share the story: we need your consent." in html
    assert "The end cannot be before the start." in html
    assert 'value="Our chatbot nobody asked for"' in html
    assert "A chatbot for permits." in html
    assert re.search(r'value="stakeholders"[^>]*checked', html)
    assert not re.search(r'value="data"[^>]*checked', html)
    assert re.search(r'value="public-anonymous"[^>]*checked', html)
    assert not StoryPage.objects.exists()


def test_valid_input_creates_a_safe_draft_for_review(client, index, member):
    client.force_login(member.user)

    response = client.post(index.url + "share/", VALID, follow=True)

    assert response.status_code == 200
    assert "An editor will review it" in response.content.decode()
    story = StoryPage.objects.get()
    assert not story.live
    assert story.author == member and story.owner == member.user
    assert story.disclosure == "public-anonymous" and story.disclosure_consent
    assert story.root_causes == ["assumption", "stakeholders"]
    assert "<script>" not in story.what_we_tried
    assert story.what_we_tried.startswith("<p>A chatbot for permits.</p>")
    assert "&lt;script&gt;" in story.what_we_tried
    assert client.get(story.url).status_code == 404


# -- the daily limit


def _share(client, index, title):
    return client.post(index.url + "share/", {**VALID, "title": title})


def test_over_the_daily_limit_the_form_answers_429_and_keeps_the_story(
    client, index, member, settings
):
    settings.SITE_RATE_LIMITS = {**settings.SITE_RATE_LIMITS, "story_share": "2/d/user"}
    client.force_login(member.user)
    assert _share(client, index, "First").status_code == 302
    assert _share(client, index, "Second").status_code == 302

    response = _share(client, index, "Third, with <b>care</b>")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 24 * 3600 + 1
    html = response.content.decode()
    assert "You have already shared 2 stories in the last 24 hours" in html
    assert "Your story is still in the form below" in html
    assert 'value="Third, with &lt;b&gt;care&lt;/b&gt;"' in html
    assert "A chatbot for permits." in html
    assert re.search(r'value="stakeholders"[^>]*checked', html)
    assert re.search(r'value="public-anonymous"[^>]*checked', html)
    assert sorted(StoryPage.objects.values_list("title", flat=True)) == ["First", "Second"]


def test_the_limit_counts_the_last_24_hours_only_and_each_member_alone(
    client, index, member, settings, monkeypatch
):
    import time

    settings.SITE_RATE_LIMITS = {**settings.SITE_RATE_LIMITS, "story_share": "1/d/user"}
    client.force_login(member.user)
    assert _share(client, index, "Yesterday's").status_code == 302
    assert _share(client, index, "Too soon").status_code == 429
    other = MemberFactory(user=UserFactory(username="other"))
    client.force_login(other.user)
    assert _share(client, index, "Someone else's").status_code == 302

    tomorrow = time.time() + 25 * 3600
    monkeypatch.setattr(time, "time", lambda: tomorrow)
    client.force_login(member.user)

    assert _share(client, index, "Today's").status_code == 302
    assert StoryPage.objects.filter(author=member).count() == 2


def test_the_limit_is_five_a_day_unless_configured(client, index, member):
    client.force_login(member.user)

    statuses = [_share(client, index, f"Story {number}").status_code for number in range(6)]

    assert statuses == [302] * 5 + [429]
    assert StoryPage.objects.filter(author=member).count() == 5
