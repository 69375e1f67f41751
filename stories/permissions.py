"""Who may read and write stories: the one place for these rules. Views, the admin and the
page tree ask here.

- Members-only stories (`Disclosure.MEMBERS`) answer only to those the network's one rule lets
  read members-only content (`network.permissions.is_active_member`).
- Ambassadors (`network.Member.is_ambassador`, active) are put in the “Story authors” group
  (`ambassador_group_sync`): admin access and "add" on the stories area. Wagtail's ownership
  model then lets them edit their own pages; `StoryPermissionTester` and
  `StoryAuthorPagePermissionPolicy` narrow everything else to the pages they own, so they never
  edit, publish, unpublish, delete or see the revisions or history of another author's story,
  nor any page outside the stories area.
- Only a story's author gives its consent (`story_consent_is_theirs`): an ambassador who
  attributes a story to another member cannot tick it for them.
- Whether an author publishes directly or submits for review is the site's `StorySettings`.
- Network editors (`network.Member.is_editor`, active) are put in the “Story reviewers” group
  (`editor_group_sync`): admin access, and "change" and "publish" on the stories area, which
  is what approving a story needs (the last step of a workflow publishes as the approver). The
  review workflow's approval task names this group, so editors approve or reject submitted
  stories without an administrator adding them by hand.
- Workshops (`stories.workshops`): a workshop's facilitators (active members) and network
  editors run it (the participant list, the capture session); members with a place draft
  stories while capture is open, and only their author ever reads or edits a draft until it
  is shared; network editors (or admin users allowed to change drafts) review shared drafts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from wagtail.models import GroupPagePermission, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy

from network.models import Member, MemberStatus
from network.permissions import (
    is_active_member,
    is_network_editor,
    member_of,
    member_write_refusal,
)
from stories.workshops.vocabularies import RegistrationStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from stories.workshops.models import StoryDraft, WorkshopPage, WorkshopRegistration

STORY_AUTHORS_GROUP = "Story authors"
STORY_REVIEWERS_GROUP = "Story reviewers"
# What a reviewer may do on every stories index and the pages below it.
REVIEWER_PAGE_PERMISSIONS = ("change_page", "publish_page")
ADMIN_ACCESS = ("wagtailadmin", "access_admin")


def story_can_read(user: User | AnonymousUser, page) -> bool:
    """May `user` read the story `page`? Members-only stories follow the network's one rule
    (`is_active_member`: active members, network editors and administrators), as search,
    listings and the feed do."""
    if not page.members_only:
        return True
    return is_active_member(user)


def story_consent_is_theirs(*, user: User | AnonymousUser, author: Member | None) -> bool:
    """May `user` give the consent that a story goes live under its disclosure ("the author
    agrees to publish it this way")? Only the author, on their own account: nobody consents
    for someone else, so a story written for another member waits for that member's consent.
    A story that names no member has nobody to ask: whoever writes it answers for it (imported
    stories come under their source's licence)."""
    if author is None:
        return True
    member = member_of(user)
    return member is not None and member.pk == author.pk


def is_story_author_only(user: User | AnonymousUser, permissions: set[str]) -> bool:
    """Is `user` limited to their own pages here: no superuser, no "change" permission, and
    page rights that come from the story authors' "add" permission only?"""
    return bool(
        user.is_active
        and not user.is_superuser
        and "change" not in permissions
        and "publish" not in permissions
    )


_AUTHOR_ONLY_CACHE = "_story_author_only"


def is_story_author_in_admin_only(user: User | AnonymousUser) -> bool:
    """Is the admin user a story author and nothing else (so the admin's listings, reports
    and choosers narrow to their own stories)? Asked by several hooks and filters per
    request: the answer is kept on the user object for the request."""
    if not user.is_authenticated or user.is_superuser:
        return False
    # set and read by name: `User` declares no such attribute, it is this request's cache
    if not hasattr(user, _AUTHOR_ONLY_CACHE):
        groups = {group.name for group in user.groups.all()}
        setattr(user, _AUTHOR_ONLY_CACHE, groups == {STORY_AUTHORS_GROUP})
    return bool(getattr(user, _AUTHOR_ONLY_CACHE))


def story_can_share(user: User | AnonymousUser) -> bool:
    """Sharing a story from the public form (a draft for an editor to review): signed-in
    active members with a profile."""
    return is_active_member(user) and member_of(user) is not None


def review_required_for(page) -> bool:
    """Does the site of `page` want an editor to approve stories before they go live?"""
    from stories.models.stories import StorySettings

    site = page.get_site()
    if site is None:
        return False
    return StorySettings.for_site(site).review_required


class StoryPermissionTester(PagePermissionTester):
    """Wagtail's page permissions, narrowed for story authors to the pages they own.

    The admin's views (edit, publish, unpublish, delete, revisions, history, move, copy,
    lock) all ask this tester, so the narrowing holds on the server whatever the browser sends.
    """

    def __init__(self, user: User | AnonymousUser, page) -> None:
        super().__init__(user, page)
        self.author_only = is_story_author_only(user, getattr(self, "permissions", set()))
        self.owns = page.owner_id is not None and page.owner_id == user.pk
        from stories.models import StoryIndexPage, WorkshopIndexPage

        # authors add under the indexes; stories and workshops they own are theirs to edit
        self.is_index = isinstance(page, (StoryIndexPage, WorkshopIndexPage))

    def _own_story(self) -> bool:
        return self.owns and not self.is_index

    def can_edit(self):
        if self.author_only and not self._own_story():
            return False
        return super().can_edit()

    def can_delete(self, ignore_bulk=False):
        if self.author_only and not self._own_story():
            return False
        return super().can_delete(ignore_bulk=ignore_bulk)

    def can_publish(self):
        if self.author_only:
            return self._own_story() and self.user.is_active and not review_required_for(self.page)
        return super().can_publish()

    def can_unpublish(self):
        if self.author_only:
            return self.page.live and self.can_publish() and not self.page_locked()
        return super().can_unpublish()

    def can_publish_subpage(self):
        if self.author_only:
            return (
                self.is_index
                and "add" in self.permissions
                and self.user.is_active
                and not review_required_for(self.page)
            )
        return super().can_publish_subpage()

    def can_submit_for_moderation(self):
        if self.author_only and not self._own_story():
            return False
        return super().can_submit_for_moderation()

    def can_set_view_restrictions(self):
        return False if self.author_only else super().can_set_view_restrictions()

    def can_unschedule(self):
        if self.author_only:
            return self._own_story()
        return super().can_unschedule()

    def can_lock(self):
        return False if self.author_only else super().can_lock()

    def can_unlock(self):
        if self.author_only:
            return self.user_has_lock()
        return super().can_unlock()

    def can_reorder_children(self):
        return False if self.author_only else super().can_reorder_children()

    def can_move(self):
        return False if self.author_only else super().can_move()

    def can_copy(self):
        return False if self.author_only else super().can_copy()


class StoryAuthorPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, except that the story authors' "add" permission reaches only
    the pages each author owns (and the stories index itself), not every page below it.

    Listings that are not a page's own views ask the policy: the explorer, the site history
    report, the workflow reports, the dashboard. Without this, one author would see the
    history entries (with names) of another author's anonymised story.
    """

    def instances_user_has_any_permission_for(self, user: User | AnonymousUser, actions):
        base_queryset = self._base_queryset_for_user(user)
        if base_queryset is not None:
            return base_queryset
        manager = self.model._default_manager
        pages = manager.none()
        codenames = self._get_permission_codenames(actions)
        add = self._get_permission_codename("add")
        for perm in self.get_cached_permissions_for_user(user):
            codename = perm.permission.codename
            if perm.group.name == STORY_AUTHORS_GROUP and codename == add:
                if codename in codenames or "change" in actions:
                    subtree = manager.descendant_of(perm.page, inclusive=True)
                    pages |= subtree.filter(Q(owner=user) | Q(pk=perm.page_id))
            elif codename == add and "add" not in actions and "change" in actions:
                pages |= manager.descendant_of(perm.page, inclusive=True).filter(owner=user)
            elif codename in codenames:
                pages |= manager.descendant_of(perm.page, inclusive=True)
        return pages

    def user_has_any_permission_for_instance(self, user: User | AnonymousUser, actions, instance):
        base_permission = self._base_user_has_permission(user)
        if base_permission is not None:
            return base_permission
        permissions = set()
        add = self._get_permission_codename("add")
        for perm in self.get_cached_permissions_for_user(user):
            if instance.pk == perm.page_id or instance.is_descendant_of(perm.page):
                codename = perm.permission.codename
                if (
                    perm.group.name == STORY_AUTHORS_GROUP
                    and instance.pk != perm.page_id
                    and instance.owner_id != user.pk
                ):
                    continue
                permissions.add(codename)
                if codename == add and instance.owner_id == user.pk:
                    permissions.add(self._get_permission_codename("change"))
        return bool(self._get_permission_codenames(actions) & permissions)


def story_authors_group() -> Group:
    """The group of story authors, with admin access and "add" on every stories index."""
    from stories.models import StoryIndexPage

    group, _created = Group.objects.get_or_create(name=STORY_AUTHORS_GROUP)
    access = Permission.objects.get(
        content_type__app_label=ADMIN_ACCESS[0], codename=ADMIN_ACCESS[1]
    )
    group.permissions.add(access)
    add_page = Permission.objects.get(content_type__app_label="wagtailcore", codename="add_page")
    for index in StoryIndexPage.objects.all():
        GroupPagePermission.objects.get_or_create(group=group, page=index, permission=add_page)
    return group


def story_reviewers_group() -> Group:
    """The group of story reviewers (network editors), with admin access and "change" and
    "publish" on every stories index, no rights outside the stories area, and named by the
    story review workflow's approval task."""
    from wagtail.models import GroupApprovalTask

    from stories.models import StoryIndexPage
    from stories.services.stories import REVIEW_TASK_NAME, REVIEW_WORKFLOW_NAME

    group, _created = Group.objects.get_or_create(name=STORY_REVIEWERS_GROUP)
    access = Permission.objects.get(
        content_type__app_label=ADMIN_ACCESS[0], codename=ADMIN_ACCESS[1]
    )
    group.permissions.add(access)
    page_permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=REVIEWER_PAGE_PERMISSIONS
    )
    for index in StoryIndexPage.objects.all():
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=permission
            )
    for task in GroupApprovalTask.objects.filter(
        name=REVIEW_TASK_NAME, workflow_tasks__workflow__name=REVIEW_WORKFLOW_NAME
    ):
        task.groups.add(group)
    return group


def may_review_stories(member: Member) -> bool:
    """Network editors with an active membership approve or reject submitted stories."""
    return bool(member.is_editor and member.status == MemberStatus.ACTIVE and member.user.is_active)


@transaction.atomic
def editor_group_sync(member: Member) -> bool:
    """Put the member's account in the story reviewers' group when they may review stories
    (an active network editor), and take it out otherwise; returns whether it is in the group."""
    return _group_sync(member, story_reviewers_group(), may_review_stories(member))


def may_author_stories(member: Member) -> bool:
    """Ambassadors with an active membership write and publish their own stories."""
    return bool(
        member.is_ambassador and member.status == MemberStatus.ACTIVE and member.user.is_active
    )


@transaction.atomic
def ambassador_group_sync(member: Member) -> bool:
    """Put the member's account in the story authors' group when they may author stories
    (an active ambassador), and take it out otherwise; returns whether it is in the group."""
    return _group_sync(member, story_authors_group(), may_author_stories(member))


def _group_sync(member: Member, group: Group, belongs: bool) -> bool:
    if belongs:
        member.user.groups.add(group)
    else:
        member.user.groups.remove(group)
    return belongs


def story_author_pages(user: User | AnonymousUser) -> Q:
    """A filter for the pages a story author sees in admin listings: their own stories, and
    the pages that are no story (the index, its ancestors, workshops)."""
    from stories.models import StoryPage

    story_ids = StoryPage.objects.exclude(owner=user).values("pk")
    return ~Q(pk__in=story_ids)


# -- workshops


def workshop_is_facilitator(*, workshop: WorkshopPage, user: User | AnonymousUser) -> bool:
    """Is `user` an active member who facilitates `workshop`?"""
    member = member_of(user)
    if member is None or member.status != MemberStatus.ACTIVE:
        return False
    return workshop.facilitators.filter(pk=member.pk).exists()


def workshop_can_run(*, workshop: WorkshopPage, user: User | AnonymousUser) -> bool:
    """Running a workshop (its participant list, page and CSV; opening and closing the capture
    session): the workshop's facilitators and network editors."""
    return is_network_editor(user) or workshop_is_facilitator(workshop=workshop, user=user)


def workshop_can_see_participants(*, workshop: WorkshopPage, user: User | AnonymousUser) -> bool:
    """Who registered, and who waits: those who run the workshop."""
    return workshop_can_run(workshop=workshop, user=user)


def workshop_can_set_capture(*, workshop: WorkshopPage, user: User | AnonymousUser) -> bool:
    """Opening or closing the capture session: those who run the workshop."""
    return workshop_can_run(workshop=workshop, user=user)


def workshop_has_place(*, registration: WorkshopRegistration | None) -> bool:
    """Does the registration hold a place (not a place in the queue, not cancelled)?"""
    return registration is not None and registration.status == RegistrationStatus.REGISTERED


def workshop_is_participant(*, workshop: WorkshopPage, member: Member) -> bool:
    """Does `member` hold a place at `workshop` (what drafting a new story there needs)?"""
    return workshop.registrations.filter(
        member=member, status=RegistrationStatus.REGISTERED
    ).exists()


def workshop_can_see_online_link(
    *, workshop: WorkshopPage, registration: WorkshopRegistration | None, is_facilitator: bool
) -> bool:
    """The online link is for the people who take part: members with a place, facilitators."""
    return bool(workshop.online_url) and (
        workshop_has_place(registration=registration) or is_facilitator
    )


def workshop_can_start_draft(
    *, workshop: WorkshopPage, user: User | AnonymousUser, registration: WorkshopRegistration | None
) -> bool:
    """May `user` (whose registration at `workshop` is `registration`) start a new draft now:
    the capture session is open, they hold a place and they may write as a member?"""
    return (
        workshop.capture_open
        and workshop_has_place(registration=registration)
        and member_write_refusal(user) is None
    )


def draft_is_authors(*, draft: StoryDraft, member: Member | None) -> bool:
    """Is `member` the draft's author? Nobody else reads or edits a draft before it is shared
    (facilitators and editors included)."""
    return member is not None and draft.author_id == member.pk


def draft_can_review(user: User | AnonymousUser) -> bool:
    """Reviewing drafts shared for review: network editors, and admin users given the
    permission to change workshop drafts."""
    if is_network_editor(user):
        return True
    return bool(user is not None and user.has_perm("stories.change_storydraft"))


@dataclass(frozen=True)
class WorkshopRights:
    """What a visitor may do on a workshop's page, asked once per page (one facilitator
    query) and derived from the predicates above."""

    is_facilitator: bool
    can_see_participants: bool
    can_see_online_link: bool
    can_start_draft: bool


def workshop_rights(
    *, workshop: WorkshopPage, user: User | AnonymousUser, registration: WorkshopRegistration | None
) -> WorkshopRights:
    """The visitor's rights on `workshop`, given their registration there (or None)."""
    is_facilitator = workshop_is_facilitator(workshop=workshop, user=user)
    return WorkshopRights(
        is_facilitator=is_facilitator,
        # what `workshop_can_run` says, without asking for the facilitators twice
        can_see_participants=is_facilitator or is_network_editor(user),
        can_see_online_link=workshop_can_see_online_link(
            workshop=workshop, registration=registration, is_facilitator=is_facilitator
        ),
        can_start_draft=workshop_can_start_draft(
            workshop=workshop, user=user, registration=registration
        ),
    )
