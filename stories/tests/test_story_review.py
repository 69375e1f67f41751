"""Network editors review stories: with review on, they approve or reject a submitted story in
the admin without an administrator adding them to a group; once they are no longer editors
(or no longer active members), they cannot."""

from django.urls import reverse

from wagtail.models import Site, TaskState, WorkflowState

import pytest

from cases.factories import CaseIndexPageFactory, CasePageFactory
from network.factories import MemberFactory, UserFactory
from network.models import MemberStatus
from network.services import member_deactivate
from stories.factories import StoryPageFactory
from stories.models import StoryPage
from stories.models.stories import StorySettings
from stories.permissions import STORY_REVIEWERS_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def review_on(index):
    settings, _created = StorySettings.objects.get_or_create(
        site=Site.objects.get(is_default_site=True)
    )
    settings.review_required = True
    settings.save()  # attaches the review workflow
    return settings


@pytest.fixture
def submitted(index, review_on):
    """An ambassador's story waiting for an editor's approval."""
    author = MemberFactory(user=UserFactory(username="aino"), is_ambassador=True)
    story = StoryPageFactory(parent=index, author=author, title="Waiting for review", live=False)
    story.save_revision(user=author.user)
    index.get_workflow().start(story, author.user)
    return story


@pytest.fixture
def editor(db):
    # named an editor the way an administrator does it: the member's row is saved
    return MemberFactory(user=UserFactory(username="edda"), is_editor=True)


def _task_state(story) -> TaskState:
    state = WorkflowState.objects.get(
        base_content_type__isnull=False, object_id=str(story.pk), status="in_progress"
    )
    return state.current_task_state


def _approve(client, story):
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(story.pk, "approve", _task_state(story).pk)
    )
    return client.post(url, {"comment": ""})


def _reject(client, story):
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(story.pk, "reject", _task_state(story).pk)
    )
    return client.post(url, {"comment": "Please anonymise the municipality."})


def test_a_network_editor_approves_a_submitted_story_and_it_goes_live(client, submitted, editor):
    client.force_login(editor.user)

    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{submitted.pk}/edit/").status_code == 200
    response = _approve(client, submitted)

    assert response.status_code == 302
    story = StoryPage.objects.get(pk=submitted.pk)
    assert story.live
    assert client.get(story.url).status_code == 200


def test_a_network_editor_requests_changes(client, submitted, editor):
    client.force_login(editor.user)

    response = _reject(client, submitted)

    assert response.status_code == 302
    assert not StoryPage.objects.get(pk=submitted.pk).live
    state = WorkflowState.objects.get(object_id=str(submitted.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_a_former_editor_cannot_approve(client, submitted, editor):
    editor.is_editor = False
    editor.save()
    client.force_login(editor.user)

    response = _approve(client, submitted)

    assert response.status_code in (302, 403)
    assert not StoryPage.objects.get(pk=submitted.pk).live
    assert _task_state(submitted).status == TaskState.STATUS_IN_PROGRESS
    assert not editor.user.groups.filter(name=STORY_REVIEWERS_GROUP).exists()


def test_a_deactivated_editor_loses_the_review_right(client, submitted, editor):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    member_deactivate(actor=admin, member=editor, reason="Left the network.")
    client.force_login(editor.user)

    _approve(client, submitted)

    assert not StoryPage.objects.get(pk=submitted.pk).live
    assert not editor.user.groups.filter(name=STORY_REVIEWERS_GROUP).exists()


def test_an_editor_named_while_pending_reviews_only_once_active(client, submitted):
    pending = MemberFactory(is_editor=True, status=MemberStatus.PENDING)
    assert not pending.user.groups.filter(name=STORY_REVIEWERS_GROUP).exists()

    pending.status = MemberStatus.ACTIVE
    pending.save()
    client.force_login(pending.user)
    _approve(client, submitted)

    assert StoryPage.objects.get(pk=submitted.pk).live


def test_reviewers_have_no_rights_outside_the_stories_area(client, home, index, editor):
    case = CasePageFactory(parent=CaseIndexPageFactory(parent=home))
    client.force_login(editor.user)

    assert client.get(f"/admin/pages/{case.pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code in (302, 403)
    client.post(f"/admin/pages/{case.pk}/unpublish/")
    case.refresh_from_db()
    assert case.live


def test_a_review_workflow_made_before_the_reviewers_group_gets_it(index):
    from django.contrib.auth.models import Group

    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    from stories.services.stories import REVIEW_TASK_NAME, REVIEW_WORKFLOW_NAME

    workflow = Workflow.objects.create(name=REVIEW_WORKFLOW_NAME)
    task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME)
    task.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)

    settings, _created = StorySettings.objects.get_or_create(
        site=Site.objects.get(is_default_site=True)
    )
    settings.review_required = True
    settings.save()

    assert set(task.groups.values_list("name", flat=True)) == {"Moderators", STORY_REVIEWERS_GROUP}


def test_editors_named_before_this_release_join_the_reviewers_on_migrate(client, submitted):
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("stories.migrations.0002_story_reviewers_help")
    editor = MemberFactory(is_editor=True)
    Group.objects.filter(name=STORY_REVIEWERS_GROUP).delete()  # as before the release

    migration.editors_become_reviewers(apps, None)

    client.force_login(editor.user)
    _approve(client, submitted)
    assert StoryPage.objects.get(pk=submitted.pk).live
