"""Writing stories: drafts shared by members and from workshops, for moderation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from wagtail.models import GroupApprovalTask, Locale, Workflow, WorkflowPage, WorkflowTask

from network.models import Member
from network.permissions import active_member_require
from portal.models import Theme
from portal.rate_limits import rate_limit_consume
from portal.rich_text import sanitise_html
from stories.models import StoryIndexPage, StoryPage, WorkshopPage
from stories.permissions import story_consent_is_theirs, story_reviewers_group
from stories.selectors import story_slug_free
from stories.vocabularies import DEFAULT_DISCLOSURE, Disclosure

if TYPE_CHECKING:
    from cases.models import CasePage
    from toolkit.models import ResourcePage

# The narrative fields of a story; their values are HTML, sanitised here.
NARRATIVE_FIELDS = ("what_we_tried", "what_happened", "why", "what_we_learned", "do_differently")


@transaction.atomic
def story_draft_create(
    *,
    index: StoryIndexPage,
    author: Member,
    title: str,
    kind: str,
    disclosure: str = DEFAULT_DISCLOSURE,
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
        slug=story_slug_free(parent=index, text=title),
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


@transaction.atomic
def story_share_submit(
    *, index: StoryIndexPage, author: Member, written_in: str = "", **fields
) -> StoryPage:
    """A member shares a story through the public form: a draft for an editor to review
    (`story_draft_create` with `fields`), unless they have already shared as many as
    `SITE_RATE_LIMITS["story_share"]` accepts (5 a day; `RateLimitExceeded`, which says when
    to try again, and nothing written).

    `written_in` is the language the member wrote it in (a code of `settings.LANGUAGES`, or
    "" for not said). The story goes under the stories index of that language's section of
    the site when the index has a live translation there (`story_index_in_language`), else
    under `index`.

    The shares are counted in the shared cache, like every rate limit of the site
    (`portal.rate_limits`): two forms sent at once cannot both take the last share of the
    day, whichever app server takes them. Only active members share (`PermissionDenied` with
    the reason).
    """
    active_member_require(author.user)
    share = rate_limit_consume(action="story_share", user=author.user)
    try:
        return story_draft_create(
            index=story_index_in_language(index=index, language=written_in),
            author=author,
            written_in=written_in,
            **fields,
        )
    except Exception:
        share.rollback()  # nothing was shared
        raise


def story_index_in_language(*, index: StoryIndexPage, language: str) -> StoryIndexPage:
    """The stories index where a story written in `language` belongs: the live translation
    of `index` in that language's locale when there is one, else `index` itself (a story
    written in a language whose section has no stories index yet stays where it was shared,
    and is shown there in its own language)."""
    if not language:
        return index
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None or locale.pk == index.locale_id:
        return index
    translated = index.get_translation_or_none(locale)
    if translated is None or not translated.live:
        return index
    return translated


@transaction.atomic
def story_consent_give(*, story: StoryPage, member: Member, disclosure: str) -> StoryPage:
    """The author of `story` agrees that it goes live with `disclosure` (which they may change
    here): a new revision of the latest draft, by the author, with their consent; whoever wrote
    the story then publishes it. Returns the draft with the consent.

    Only the author gives it (`story_consent_is_theirs`: `PermissionDenied` otherwise), and
    only for a story that has changes waiting to be published. The story row is locked, so an
    edit saved at the same moment is not lost under the consent.
    """
    list(StoryPage.objects.select_for_update().filter(pk=story.pk).values_list("pk"))
    story.refresh_from_db(fields=["latest_revision"])
    draft = story.get_latest_revision_as_object()
    if draft.author is None or not story_consent_is_theirs(user=member.user, author=draft.author):
        raise PermissionDenied(_("Only the story's author can agree to publish it."))
    if disclosure not in Disclosure.values:
        raise ValidationError(_("Choose who may read the story."))
    draft.disclosure = disclosure
    draft.disclosure_consent = True
    draft.save_revision(user=member.user, log_action=True)
    return draft


REVIEW_WORKFLOW_NAME = "Story review"
REVIEW_TASK_NAME = "An editor approves the story"
# Wagtail's own editors keep approving too, beside the network editors' group.
MODERATORS_GROUP = "Moderators"


@transaction.atomic
def story_review_workflow_sync(*, site, review_required: bool) -> Workflow | None:
    """Attach the editors' review workflow to the stories index of `site` and its
    translations when `review_required`, or detach it; returns the workflow in force on the
    index (or None). A translation of the index made later gets it when the setting is next
    saved.

    The workflow has one task, a `GroupApprovalTask` for the “Story reviewers” group (network
    editors, kept in step by `stories.permissions.editor_group_sync`) and Wagtail's
    “Moderators”; superusers may always approve. Story authors then submit for moderation
    instead of publishing (`stories.permissions.StoryPermissionTester.can_publish`).
    """
    index = StoryIndexPage.objects.descendant_of(site.root_page, inclusive=True).first()
    if index is None:
        return None
    # the index's translations too: members' stories go into their language's index
    indexes = list(index.get_translations(inclusive=True))
    if not review_required:
        WorkflowPage.objects.filter(page__in=indexes, workflow__name=REVIEW_WORKFLOW_NAME).delete()
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
    for each in indexes:
        WorkflowPage.objects.update_or_create(page=each, defaults={"workflow": workflow})
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
