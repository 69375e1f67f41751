"""Writing stories: drafts shared by members and from workshops, for moderation."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from network.models import Member
from portal.models import Theme
from portal.rich_text import sanitise_html
from stories.models import StoryIndexPage, StoryPage, WorkshopPage
from stories.permissions import story_reviewers_group
from stories.selectors import story_shares_since
from stories.vocabularies import Disclosure

if TYPE_CHECKING:
    from cases.models import CasePage
    from toolkit.models import ResourcePage

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
    themes: Iterable[Theme] = (),
    cases: Iterable[CasePage] = (),
    tools: Iterable[ResourcePage] = (),
    **context,
) -> StoryPage:
    """Create an unpublished story under `index` for an editor to review, and return it.

    `narrative` maps fields of `NARRATIVE_FIELDS` to HTML (sanitised here); `context` sets
    other plain fields of `StoryPage` (country, municipality, started_on, ...), `themes` its
    themes and `cases` and `tools` the pages it links to, in that order. The page is a draft
    with one revision, owned by the author's account, so it shows in the admin's moderation
    lists and never in public until someone publishes it.
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
    story.themes = list(themes)
    story.set_links(cases=cases, tools=tools)
    index.add_child(instance=story)
    story.save_revision(user=author.user, log_action=True)
    return story


SHARE_LIMIT_DEFAULT = 5
SHARE_WINDOW = datetime.timedelta(hours=24)


class ShareLimitReached(Exception):
    """The member has shared as many stories as the site accepts in 24 hours."""

    def __init__(self, *, limit: int, retry_at: datetime.datetime | None) -> None:
        super().__init__(limit, retry_at)
        self.limit = limit
        self.retry_at = retry_at  # when one more story will be accepted (None: never)


def story_share_limit() -> int:
    """How many stories a member may share in 24 hours (`STORIES_SHARE_LIMIT_PER_DAY`)."""
    return int(getattr(settings, "STORIES_SHARE_LIMIT_PER_DAY", SHARE_LIMIT_DEFAULT))


@transaction.atomic
def story_share_submit(*, index: StoryIndexPage, author: Member, **fields) -> StoryPage:
    """A member shares a story through the public form: a draft for an editor to review
    (`story_draft_create` with `fields`), unless they have already shared
    `story_share_limit()` stories in the last 24 hours (`ShareLimitReached`, nothing written).

    The member's row is locked while counting, so two forms sent at once cannot both take
    the last share of the day.
    """
    Member.objects.select_for_update().filter(pk=author.pk).first()
    limit = story_share_limit()
    now = timezone.now()
    shared = story_shares_since(member=author, since=now - SHARE_WINDOW)
    if len(shared) >= limit:
        # one more is accepted once enough of the day's shares are 24 hours old
        retry_at = shared[len(shared) - limit] + SHARE_WINDOW if limit > 0 else None
        raise ShareLimitReached(limit=limit, retry_at=retry_at)
    return story_draft_create(index=index, author=author, **fields)


REVIEW_WORKFLOW_NAME = "Story review"
REVIEW_TASK_NAME = "An editor approves the story"
# Wagtail's own editors keep approving too, beside the network editors' group.
MODERATORS_GROUP = "Moderators"


@transaction.atomic
def story_review_workflow_sync(*, site, review_required: bool) -> Workflow | None:
    """Attach the editors' review workflow to the stories index of `site` when
    `review_required`, or detach it; returns the workflow in force on the index (or None).

    The workflow has one task, a `GroupApprovalTask` for the “Story reviewers” group (network
    editors, kept in step by `stories.permissions.editor_group_sync`) and Wagtail's
    “Moderators”; superusers may always approve. Story authors then submit for moderation
    instead of publishing (`stories.permissions.StoryPermissionTester.can_publish`).
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
        moderators, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
        task, _created = GroupApprovalTask.objects.get_or_create(name=REVIEW_TASK_NAME)
        task.groups.add(moderators)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    story_reviewers_group()  # its task names the reviewers, made before the group or not
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
