"""Admin for stories: story authors (ambassadors) see and touch only their own stories; the
review workflow follows the site's `StorySettings` (see `stories.permissions`)."""

from __future__ import annotations

from django.db import transaction
from django.templatetags.static import static
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.components import Component
from wagtail.admin.views.pages import listing
from wagtail.admin.views.reports import audit_logging, locked_pages, workflows
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from stories.admin_choosers import story_author_chooser, story_country_chooser
from stories.permissions import (
    StoryAuthorPagePermissionPolicy,
    is_story_author_in_admin_only,
    story_author_pages,
)
from stories.selectors import story_write_url

# Listings that are not a page's own views (explorer, reports, dashboard) ask the page policy.
register_permission_policy(Page, StoryAuthorPagePermissionPolicy(Page))


@hooks.register("register_admin_viewset")
def story_choosers():
    """The story editor's searchable choosers of the author and the country."""
    return [story_author_chooser, story_country_chooser]


class WriteStoryPanel(Component):
    """The dashboard's "Write a story" for those who may write one (ambassadors land here)."""

    template_name = "stories/admin/write_story_panel.html"
    order = 50  # first: before the moderation and recent edits panels

    def __init__(self, write_url: str) -> None:
        self.write_url = write_url

    def get_context_data(self, parent_context):
        return {"write_url": self.write_url}


@hooks.register("construct_homepage_panels")
def write_a_story_on_the_dashboard(request, panels):
    write_url = story_write_url(user=request.user)
    if write_url:
        panels.append(WriteStoryPanel(write_url))


@hooks.register("before_create_page")
def stories_are_created_one_at_a_time(request, parent_page, page_class):
    """Two "create" requests for stories under one index (an autosave and a click on "Save
    draft", or an autosave retried after a slow answer) would both find the same address free
    and the same place in the page tree, and the second fail with a server error. Locking the
    index for the rest of the request's transaction makes the second wait, then take the next
    free address (`StoryPageForm.clean_slug`)."""
    from stories.models import StoryPage

    if request.method != "POST" or not issubclass(page_class, StoryPage):
        return None
    if transaction.get_connection().in_atomic_block:  # the request's transaction
        list(Page.objects.select_for_update().filter(pk=parent_page.pk).values_list("pk"))
    return None


@hooks.register("insert_editor_js")
def editor_names_for_assistive_technology():
    """Every page editor's rich text areas get their field's name (a workaround for Wagtail
    issue #14205) and its chooser dialogs their title: axe reports both on the story editor."""
    return format_html(
        '<script src="{}" defer></script>', static("stories/admin_accessible_names.js")
    )


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
