"""Writing stories: drafts shared by members and from workshops, for moderation."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify

from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from network.models import Member
from portal.rich_text import sanitise_html
from stories.models import StoryIndexPage, StoryPage, WorkshopPage
from stories.vocabularies import Disclosure

# The narrative fields of a story; their values are HTML, sanitised here.
NARRATIVE_FIELDS = ("what_we_tried", "what_happened", "why", "what_we_learned", "do_differently")


def _free_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:70].strip("-") or "story"
    taken = set(
        Page.objects.child_of(parent).filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def story_draft_create(
    *,
    index: StoryIndexPage,
    author: Member,
    title: str,
    kind: str,
    disclosure: str = Disclosure.PUBLIC_NAMED,
    disclosure_consent: bool = False,
    narrative: dict[str, str] | None = None,
    root_causes: list[str] | None = None,
    summary: str = "",
    workshop: WorkshopPage | None = None,
    **context,
) -> StoryPage:
    """Create an unpublished story under `index` for an editor to review, and return it.

    `narrative` maps fields of `NARRATIVE_FIELDS` to HTML (sanitised here); `context` sets
    other plain fields of `StoryPage` (country, municipality, started_on, ...). The page is a
    draft with one revision, owned by the author's account, so it shows in the admin's
    moderation lists and never in public until someone publishes it.
    """
    narrative = narrative or {}
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise ValueError(f"not narrative fields: {sorted(unknown)}")
    story = StoryPage(
        title=title,
        slug=_free_slug(index, title),
        kind=kind,
        summary=summary,
        author=author,
        disclosure=disclosure,
        disclosure_consent=disclosure_consent,
        root_causes=list(root_causes or []),
        workshop=workshop,
        live=False,
        owner=author.user,
        **{name: sanitise_html(value) for name, value in narrative.items()},
        **context,
    )
    index.add_child(instance=story)
    story.save_revision(user=author.user, log_action=True)
    return story


REVIEW_WORKFLOW_NAME = "Story review"
REVIEW_TASK_NAME = "An editor approves the story"
REVIEWERS_GROUP = "Moderators"


@transaction.atomic
def story_review_workflow_sync(*, site, review_required: bool) -> Workflow | None:
    """Attach the editors' review workflow to the stories index of `site` when
    `review_required`, or detach it; returns the workflow in force on the index (or None).

    The workflow has one task, a `GroupApprovalTask` for the “Moderators” group (superusers
    may always approve). Story authors then submit for moderation instead of publishing
    (`stories.permissions.StoryPermissionTester.can_publish`).
    """
    index = StoryIndexPage.objects.descendant_of(site.root_page, inclusive=True).first()
    if index is None:
        return None
    if not review_required:
        WorkflowPage.objects.filter(page=index, workflow__name=REVIEW_WORKFLOW_NAME).delete()
        return None
    workflow, _created = Workflow.objects.get_or_create(
        name=REVIEW_WORKFLOW_NAME, defaults={"active": True}
    )
    if not workflow.workflow_tasks.exists():
        reviewers, _created = Group.objects.get_or_create(name=REVIEWERS_GROUP)
        task, _created = GroupApprovalTask.objects.get_or_create(name=REVIEW_TASK_NAME)
        task.groups.add(reviewers)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


def story_html_from_text(text: str) -> str:
    """Plain text typed in a form as safe HTML paragraphs: blank lines separate paragraphs,
    single line breaks stay line breaks; nothing the visitor typed is taken as markup."""
    paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    html = "".join(
        f"<p>{'<br>'.join(escape(line) for line in part.splitlines())}</p>"
        for part in paragraphs
        if part
    )
    return sanitise_html(html)
