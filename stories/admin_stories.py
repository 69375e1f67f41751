"""Admin for stories: story authors (ambassadors) see and touch only their own stories; the
review workflow follows the site's `StorySettings` (see `stories.permissions`)."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.pages import listing
from wagtail.admin.views.reports import audit_logging, locked_pages, workflows
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from stories.permissions import (
    StoryAuthorPagePermissionPolicy,
    is_story_author_in_admin_only,
    story_author_pages,
)

# Listings that are not a page's own views (explorer, reports, dashboard) ask the page policy.
register_permission_policy(Page, StoryAuthorPagePermissionPolicy(Page))


@hooks.register("construct_explorer_page_queryset")
def story_authors_see_their_own_stories(parent_page, pages, request):
    """In the page explorer, a story author sees their own stories only."""
    if is_story_author_in_admin_only(request.user):
        return pages.filter(story_author_pages(request.user))
    return pages


@hooks.register("construct_page_chooser_queryset")
def story_authors_choose_their_own_stories(pages, request):
    if is_story_author_in_admin_only(request.user):
        return pages.filter(story_author_pages(request.user))
    return pages


def _narrow_user_filter(filterset_class, name: str) -> None:
    """Wagtail's admin filters list every page owner, editor or requester of the site; a story
    author is offered only themself, so that no author's name reaches another author."""
    user_filter = filterset_class.base_filters.get(name)
    if user_filter is None:
        return
    original = user_filter.queryset

    def queryset(request):
        users = original(request) if callable(original) else original
        if request is not None and is_story_author_in_admin_only(request.user):
            return users.filter(pk=request.user.pk)
        return users

    user_filter.queryset = queryset


for _filterset, _name in (
    (listing.PageFilterSet, "owner"),
    (listing.PageFilterSet, "edited_by"),
    (listing.GenericPageFilterSet, "owner"),
    (listing.GenericPageFilterSet, "edited_by"),
    (workflows.WorkflowReportFilterSet, "requested_by"),
    (locked_pages.LockedPagesReportFilterSet, "locked_by"),
):
    _narrow_user_filter(_filterset, _name)

_site_history_users = audit_logging.SiteHistoryReportFilterSet.get_users_queryset


def _site_history_users_for(self):
    """The site history's user filter lists every account that ever changed a page, to anyone
    who opens the report; offer only the authors of entries the viewer may see (so an admin
    account without rights on the stories learns no story's author from it)."""
    users = _site_history_users(self).filter(
        pk__in=audit_logging.get_users_for_filter(self.request.user).values("pk")
    )
    if is_story_author_in_admin_only(self.request.user):
        return users.filter(pk=self.request.user.pk)
    return users


audit_logging.SiteHistoryReportFilterSet.get_users_queryset = _site_history_users_for

_explore = listing.ExplorableIndexView.get


def _explore_for(self, request, parent_page_id=None):
    """The explorer lists a page's children under a header that names who last published
    the page: a story author opens only their own stories there (another author's story,
    anonymised or not, is refused like its edit view)."""
    if parent_page_id is not None and is_story_author_in_admin_only(request.user):
        pages = Page.objects.filter(pk=parent_page_id)
        if pages.exists() and not pages.filter(story_author_pages(request.user)).exists():
            return permission_denied(request)
    return _explore(self, request, parent_page_id)


listing.ExplorableIndexView.get = _explore_for
