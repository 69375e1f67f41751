"""Ambassadors write and publish their own stories in the Wagtail admin, and nothing else;
consent is required to publish; a site can require an editor's review first."""

from django.utils.text import slugify

from wagtail.models import Page, Site, WorkflowState
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

import pytest

from cases.factories import CaseIndexPageFactory, CasePageFactory
from network.factories import MemberFactory, UserFactory
from stories.factories import StoryPageFactory
from stories.models import StoryPage
from stories.models.stories import StorySettings
from stories.permissions import STORY_AUTHORS_GROUP, ambassador_group_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambassador(index):
    member = MemberFactory(user=UserFactory(username="aino"), is_ambassador=True)
    ambassador_group_sync(member)
    return member


def _story_form(title: str, *, consent: bool, **extra) -> dict:
    data = {
        "title": title,
        "slug": slugify(title),
        "kind": "slip-up",
        "summary": "It went wrong.",
        "disclosure": "public-anonymous",
        "currency": "EUR",
        "what_we_tried": rich_text("<p>We tried.</p>"),
        "what_happened": rich_text("<p>It failed.</p>"),
        "why": rich_text(""),
        "what_we_learned": rich_text(""),
        "do_differently": rich_text(""),
        "body": streamfield([]),
        "case_links": inline_formset([]),
        "tool_links": inline_formset([]),
        **extra,
    }
    if consent:
        data["disclosure_consent"] = "on"
    return nested_form_data(data)


def _create(client, index, data):
    return client.post(f"/admin/pages/add/stories/storypage/{index.pk}/", data)


def test_ambassador_publishes_their_own_story(client, index, ambassador):
    client.force_login(ambassador.user)

    response = _create(
        client, index, {**_story_form("Our slip-up", consent=True), "action-publish": "1"}
    )

    assert response.status_code == 302, response.context["form"].errors
    story = StoryPage.objects.get(title="Our slip-up")
    assert story.live
    assert story.owner == ambassador.user


def test_a_story_is_not_published_without_consent(client, index, ambassador):
    client.force_login(ambassador.user)

    response = _create(
        client, index, {**_story_form("No consent", consent=False), "action-publish": "1"}
    )

    assert response.status_code == 200
    assert "consent is needed before the story goes live" in response.content.decode()
    assert not StoryPage.objects.filter(title="No consent", live=True).exists()


def test_a_draft_may_be_saved_without_consent(client, index, ambassador):
    client.force_login(ambassador.user)

    response = _create(client, index, _story_form("Draft first", consent=False))

    assert response.status_code == 302, response.context["form"].errors
    assert not StoryPage.objects.get(title="Draft first").live


def test_ambassador_cannot_touch_other_stories_or_other_pages(client, home, index, ambassador):
    other = StoryPageFactory(parent=index, author=MemberFactory())
    case = CasePageFactory(parent=CaseIndexPageFactory(parent=home))
    client.force_login(ambassador.user)

    for path in (
        f"/admin/pages/{other.pk}/edit/",
        f"/admin/pages/{other.pk}/unpublish/",
        f"/admin/pages/{other.pk}/delete/",
        f"/admin/pages/{other.pk}/revisions/",
        f"/admin/pages/{other.pk}/history/",
        f"/admin/pages/{other.pk}/move/",
        f"/admin/pages/{index.pk}/edit/",
        f"/admin/pages/{index.pk}/unpublish/",
        f"/admin/pages/{case.pk}/edit/",
        f"/admin/pages/{home.pk}/edit/",
        f"/admin/pages/add/cases/casepage/{case.get_parent().pk}/",
    ):
        response = client.get(path)
        assert response.status_code in (302, 403), path
    response = client.post(f"/admin/pages/{other.pk}/unpublish/")
    assert response.status_code in (302, 403)
    other.refresh_from_db()
    assert other.live
    explorer = client.get(f"/admin/pages/{index.pk}/")
    assert other.title not in explorer.content.decode()


def test_ambassador_edits_and_unpublishes_their_own_story(client, index, ambassador):
    own = StoryPageFactory(parent=index, author=ambassador)
    client.force_login(ambassador.user)

    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{own.pk}/history/").status_code == 200
    client.post(f"/admin/pages/{own.pk}/unpublish/")
    own.refresh_from_db()
    assert not own.live


def test_review_required_makes_ambassadors_submit_for_moderation(client, home, index, ambassador):
    StorySettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"review_required": True}
    )
    settings = StorySettings.for_site(Site.objects.get(is_default_site=True))
    settings.save()  # attaches the review workflow
    client.force_login(ambassador.user)

    published = _create(
        client, index, {**_story_form("Tried to publish", consent=True), "action-publish": "1"}
    )
    submitted = _create(
        client, index, {**_story_form("Sent for review", consent=True), "action-submit": "1"}
    )

    assert published.status_code == 302
    assert not StoryPage.objects.get(title="Tried to publish").live
    assert submitted.status_code == 302
    story = StoryPage.objects.get(title="Sent for review")
    assert not story.live
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(story.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Story review"

    settings.review_required = False
    settings.save()
    assert not Page.objects.get(pk=index.pk).get_workflow() or (
        Page.objects.get(pk=index.pk).get_workflow().name != "Story review"
    )


def test_removing_the_ambassador_role_removes_admin_access(client, index, ambassador):
    assert ambassador.user.groups.filter(name=STORY_AUTHORS_GROUP).exists()
    ambassador.is_ambassador = False
    ambassador.save()

    assert ambassador_group_sync(ambassador) is False
    client.force_login(ambassador.user)
    assert client.get("/admin/").status_code == 302
