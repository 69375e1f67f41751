"""Proposal pages: proposing, a project's page, supports, comments and the organisers' review.

Every write goes through a room's services, which check permissions per object
(`budgeting.permissions`); the views only read the request, call the service and show its
message when it refuses, with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgeting.permissions import comment_refusal, participation_refusal, process_can_manage
from budgeting.processes.models import Phase, Process
from budgeting.processes.views import manage_context
from budgeting.proposals import services
from budgeting.proposals.forms import (
    CommentForm,
    HideCommentForm,
    ProjectTranslationForm,
    ProposalForm,
    ReviewForm,
)
from budgeting.proposals.models import Comment, Project, ProjectStatus
from budgeting.proposals.selectors import comment_threads, project_list, project_supported_by
from budgeting.texts import reader_language
from budgeting.web import next_url, process_managed, process_or_404
from portal.form_errors import form_errors_spread, validation_messages
from portal.locale_names import language_name
from portal.rate_limits import RateLimitExceeded, rate_limit_response


def _participation(process: Process, user) -> dict:
    """Why the user may not support or comment here ("" when they may): pages show the
    reason in place of a form the user cannot use."""
    if not user.is_authenticated:
        return {"participation_refusal": "", "comment_refusal": ""}
    return {
        "participation_refusal": participation_refusal(process=process, user=user) or "",
        "comment_refusal": comment_refusal(process=process, user=user) or "",
    }


@login_required
def proposal_create(request, slug: str):
    process = process_or_404(slug, request.user)
    form = ProposalForm(request.POST or None, process=process)
    refusal = None
    if process.phase == Phase.PROPOSALS:
        refusal = participation_refusal(process=process, user=request.user)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            project = services.project_propose(
                process=process, user=request.user, **form.cleaned_data
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form_errors_spread(form, error)
        else:
            messages.success(
                request, _("Thank you: your proposal was received. You are its champion.")
            )
            return redirect(project.get_absolute_url())
    return render(
        request,
        "budgeting/proposals/proposal_form.html",
        {
            "process": process,
            "form": form,
            "can_propose": process.phase == Phase.PROPOSALS,
            "participation_refusal": refusal,
        },
        status=403 if refusal is not None and request.method == "POST" else 200,
    )


def project_detail(request, slug: str, pk: int):
    process = process_or_404(slug, request.user)
    project = get_object_or_404(project_list(process=process).select_related("reviewed_by"), pk=pk)
    can_manage = process_can_manage(process=process, user=request.user)
    return render(
        request,
        "budgeting/proposals/project_detail.html",
        {
            "process": process,
            "project": project,
            "can_manage": can_manage,
            "threads": comment_threads(project=project),
            "comment_form": CommentForm(),
            "supported": project_supported_by(project=project, user=request.user),
            "supports_open": not process.phase_reached(Phase.VOTING),
            "hide_form": HideCommentForm() if can_manage else None,
            **_participation(process, request.user),
        },
    )


@login_required
@require_POST
def project_support(request, slug: str, pk: int):
    process = process_or_404(slug, request.user)
    project = get_object_or_404(Project, process=process, pk=pk)
    support = request.POST.get("support") != "withdraw"
    try:
        services.project_support(project=project, user=request.user, support=support)
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(validation_messages(error)))
    else:
        messages.success(
            request, _("You support this proposal.") if support else _("Support withdrawn.")
        )
    return redirect(next_url(request, project.get_absolute_url()))


@login_required
@require_POST
def comment_create(request, slug: str, pk: int):
    process = process_or_404(slug, request.user)
    project = get_object_or_404(Project, process=process, pk=pk)
    form = CommentForm(request.POST)
    error_messages: list[str] = []
    limited = None
    status = 400
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(project=project, pk=form.cleaned_data["parent"]).first()
        try:
            services.comment_add(
                project=project,
                user=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                # written in the language the member is using the site in
                written_in=reader_language(),
            )
        except PermissionDenied as error:
            error_messages, status = [str(error)], 403
        except ValidationError as error:
            error_messages = validation_messages(error)
            limited = error if isinstance(error, RateLimitExceeded) else None
        else:
            messages.success(request, _("Your comment was posted."))
            return redirect(project.get_absolute_url() + "#comments")
    else:
        error_messages = [message for errors in form.errors.values() for message in errors]
    # the comment stays in the form, with the reason it was not posted
    can_manage = process_can_manage(process=process, user=request.user)
    project = project_list(process=process).get(pk=project.pk)
    response = render(
        request,
        "budgeting/proposals/project_detail.html",
        {
            "process": process,
            "project": project,
            "can_manage": can_manage,
            "threads": comment_threads(project=project),
            "comment_form": form,
            "comment_errors": error_messages,
            "supported": project_supported_by(project=project, user=request.user),
            "supports_open": not process.phase_reached(Phase.VOTING),
            "hide_form": HideCommentForm() if can_manage else None,
            **_participation(process, request.user),
        },
        status=status,
    )
    return rate_limit_response(response, limited)


@login_required
@require_POST
def comment_hide(request, slug: str, pk: int):
    process = process_or_404(slug, request.user)
    comment = get_object_or_404(
        Comment.objects.select_related("project"), project__process=process, pk=pk
    )
    form = HideCommentForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.comment_hide(comment=comment, user=request.user, reason=reason)
    messages.success(request, _("The comment is hidden."))
    return redirect(comment.project.get_absolute_url() + "#comments")


@login_required
@require_POST
def manage_review(request, slug: str, pk: int):
    process = process_managed(request, slug)
    project = get_object_or_404(Project, process=process, pk=pk)
    form = ReviewForm.for_project(project, data=request.POST)
    if form.is_valid():
        try:
            services.project_review(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(validation_messages(error)))
        else:
            messages.success(
                request,
                _("“%(title)s” is now: %(status)s.")
                % {"title": project.title, "status": ProjectStatus(project.status).label},
            )
            return redirect(reverse("budgeting:manage", kwargs={"slug": slug}) + f"#review-{pk}")
    projects = list(project_list(process=process))
    reviews = [(p, form if p.pk == project.pk else ReviewForm.for_project(p)) for p in projects]
    return render(
        request, "budgeting/processes/manage.html", manage_context(process, reviews), status=400
    )


@login_required
@require_POST
def manage_translation(request, slug: str, pk: int):
    """An organiser adds (or replaces) a project's title and description in another language."""
    process = process_managed(request, slug)
    project = get_object_or_404(Project, process=process, pk=pk)
    form = ProjectTranslationForm(request.POST, project=project)
    if form.is_valid():
        try:
            translation = services.project_translation_save(
                project=project, user=request.user, **form.cleaned_data
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form_errors_spread(form, error)
        else:
            messages.success(
                request,
                _("The translation of “%(title)s” was saved: %(language)s.")
                % {"title": project.title, "language": language_name(translation.language)},
            )
            return redirect(reverse("budgeting:manage", kwargs={"slug": slug}) + f"#translate-{pk}")
    projects = list(project_list(process=process))
    for each in projects:
        if each.pk == project.pk:
            each.translation_form = form
    reviews = [(each, ReviewForm.for_project(each)) for each in projects]
    return render(
        request, "budgeting/processes/manage.html", manage_context(process, reviews), status=400
    )
