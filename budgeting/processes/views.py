"""PB process pages: the list, a process's page, its published rule and the organisers' screen.

Every write goes through a room's services, which check permissions per object
(`budgeting.permissions`); the views only read the request, call the service and show its
message when it refuses, with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgeting.implementation.models import Implementation
from budgeting.processes import services
from budgeting.processes.forms import PhaseForm
from budgeting.processes.models import Phase, Process
from budgeting.processes.presenters import phase_context
from budgeting.processes.selectors import process_list, process_rule
from budgeting.proposals.forms import ProjectTranslationForm, ReviewForm
from budgeting.proposals.selectors import project_list
from budgeting.voting.forms import ResidentForm, VotingCodesForm
from budgeting.web import process_managed, process_or_404
from portal.form_errors import validation_messages
from portal.models.mixins import pagination_links

PER_PAGE = 20


def process_index(request):
    """All public processes, newest first."""
    paginator = Paginator(process_list(), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "budgeting/processes/process_index.html",
        {
            "processes": page_obj.object_list,
            "page_obj": page_obj,
            "pagination": pagination_links(request, page_obj),
        },
    )


def process_detail(request, slug: str):
    process = process_or_404(slug, request.user)
    context = phase_context(request, process)
    return render(request, "budgeting/processes/process_detail.html", context)


def rule_json(request, slug: str):
    """The frozen rule configuration, byte for byte the text whose SHA-256 is published."""
    process = process_or_404(slug, request.user)
    if not process.rule_frozen:
        raise Http404(_("The rule is published when voting opens."))
    response = HttpResponse(process.rule_json, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{process.slug}-rule.json"'
    return response


@login_required
def manage(request, slug: str):
    process = process_managed(request, slug)
    projects = list(project_list(process=process))
    return render(
        request,
        "budgeting/processes/manage.html",
        manage_context(
            process, [(project, ReviewForm.for_project(project)) for project in projects]
        ),
    )


def manage_context(process: Process, reviews: list) -> dict:
    """What the organisers' screen shows, with `reviews` as (project, review form) pairs; each
    project carries the form that adds a translation (`translation_form`), unless a view has
    given it one already (with what was typed)."""
    for project, _review in reviews:
        if getattr(project, "translation_form", None) is None:
            project.translation_form = ProjectTranslationForm(project=project)
    return {
        "process": process,
        "rule": process_rule(process),
        "phase_form": PhaseForm(initial={"phase": process.phase}),
        "reviews": reviews,
        "codes_form": VotingCodesForm(),
        "resident_form": ResidentForm(),
        "code_count": process.voting_codes.count(),
        "ballot_count": process.ballots.count(),
        "review_open": not process.phase_reached(Phase.VOTING),
        "criteria_count": process.criteria.count(),
        "implementations": Implementation.objects.filter(project__process=process).select_related(
            "project", "project__process"
        ),
    }


@login_required
@require_POST
def manage_phase(request, slug: str):
    process = process_managed(request, slug)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            process = services.process_phase_set(
                process=process, phase=form.cleaned_data["phase"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(validation_messages(error)))
        else:
            messages.success(
                request,
                _("The process is now in the phase “%(phase)s”.")
                % {"phase": process.get_phase_display()},
            )
    return redirect("budgeting:manage", slug=process.slug)
