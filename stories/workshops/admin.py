"""Admin for workshop drafts: editors review the stories participants shared for review.

Private drafts never appear here, not even by address: every view reads drafts through
`reviewable_drafts()`, which leaves them out. Accepting a draft creates an unpublished story
(`stories.workshops.services.workshop_draft_accept`) that waits in the page tree for an editor
to publish it; declining one can carry a note that the author reads on their draft.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from stories.permissions import draft_can_review
from stories.workshops.models import StoryDraft
from stories.workshops.services import workshop_draft_accept, workshop_draft_decline
from stories.workshops.vocabularies import DraftStatus


def reviewable_drafts() -> QuerySet:
    """Every draft an editor may read: shared for review or already decided, never private."""
    return StoryDraft.objects.exclude(status=DraftStatus.PRIVATE).select_related(
        "author", "workshop", "story"
    )


class _ReviewerRequired:
    def dispatch(self, request, *args, **kwargs):
        if not draft_can_review(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DraftReviewIndexView(_ReviewerRequired, View):
    def get(self, request):
        drafts = reviewable_drafts().order_by("submitted_at", "pk")
        return TemplateResponse(
            request,
            "stories/workshop_review_index.html",
            {
                "waiting": [d for d in drafts if d.status == DraftStatus.SUBMITTED],
                "decided": [d for d in drafts if d.status != DraftStatus.SUBMITTED][-50:],
                "header_title": _("Workshop drafts"),
                "page_title": _("Workshop drafts"),
            },
        )


class DraftReviewView(_ReviewerRequired, View):
    def get(self, request, pk: int):
        draft = get_object_or_404(reviewable_drafts(), pk=pk)
        return TemplateResponse(
            request,
            "stories/workshop_review_detail.html",
            {
                "draft": draft,
                "header_title": str(draft),
                "page_title": _("Review a workshop draft"),
                "page_subtitle": str(draft),
            },
        )

    @method_decorator(require_POST)
    def post(self, request, pk: int):
        draft = get_object_or_404(reviewable_drafts(), pk=pk)
        try:
            if request.POST.get("action") == "accept":
                story = workshop_draft_accept(draft=draft, reviewer=request.user)
                messages.success(
                    request,
                    _("Accepted: the story “%(title)s” waits as a draft page for publishing.")
                    % {"title": story.title},
                )
                return redirect("wagtailadmin_pages:edit", story.pk)
            if request.POST.get("action") == "decline":
                workshop_draft_decline(
                    draft=draft, reviewer=request.user, note=request.POST.get("note", "")
                )
                messages.success(request, _("Declined; the author sees your note."))
            else:
                messages.error(request, _("Choose to accept or decline the draft."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(reverse("workshop_drafts:index"))


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return draft_can_review(request.user)


class WorkshopDraftViewSet(ViewSet):
    name = "workshop_drafts"
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Workshop drafts")
    add_to_admin_menu = True
    menu_order = 250

    @property
    def menu_item_class(self):
        return ReviewMenuItem

    def get_urlpatterns(self):
        return [
            path("", DraftReviewIndexView.as_view(), name="index"),
            path("<int:pk>/", DraftReviewView.as_view(), name="review"),
        ]


@hooks.register("register_admin_viewset")
def register_workshop_draft_viewset():
    return WorkshopDraftViewSet()
