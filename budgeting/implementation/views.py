"""The implementation page of a funded project and its actions (`implementation.actions`).

Every write goes through a room's services, which check permissions per object
(`budgeting.permissions`); the views only read the request, call the service and show its
message when it refuses, with what was typed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgeting.assessment.models import AssessmentVote
from budgeting.assessment.presenters import indicator_rows
from budgeting.assessment.selectors import assessment_votes, implementation_score
from budgeting.implementation.actions import ACTIONS, Action, ActionCall
from budgeting.implementation.models import Implementation, Milestone
from budgeting.implementation.selectors import user_display
from budgeting.permissions import (
    implementation_abilities,
    implementation_role_require,
    participation_refusal,
    voter_eligible,
)
from budgeting.processes.models import Phase, Process
from budgeting.processes.selectors import process_rule
from budgeting.web import process_or_404
from portal.form_errors import form_errors_spread, validation_messages
from portal.ids import id_or_404

# Bound forms of a refused action, by `Action.form_key`: they replace the page's blank ones.
BoundForms = dict[str, forms.Form]


def implementation_or_404(process: Process, pk: int) -> Implementation:
    """The implementation of project `pk` of `process`, or 404."""
    return get_object_or_404(
        Implementation.objects.select_related("project", "project__process", "champion"),
        project__process=process,
        project__pk=pk,
    )


def _milestones_with_forms(implementation: Implementation, bound: BoundForms) -> list[Milestone]:
    """The milestones, each with its edit form (the refused one keeps what was typed)."""
    milestones = list(
        implementation.milestones.select_related("champion_signed_by", "servant_signed_by")
    )
    edit = ACTIONS["milestone_edit"]
    for milestone in milestones:
        milestone.edit_form = bound.get(edit.form_key(milestone)) or edit.form_blank(milestone)
    return milestones


def _indicators_with_forms(implementation: Implementation, bound: BoundForms) -> list[dict]:
    """The indicator rows, each with its target and measure forms."""
    indicators = list(
        implementation.indicators.select_related("criterion", "measured_by", "verified_by")
    )
    rows = indicator_rows(indicators)
    for row in rows:
        for name in ("target", "measure"):
            action, indicator = ACTIONS[name], row["indicator"]
            row[f"{name}_form"] = bound.get(action.form_key(indicator)) or action.form_blank(
                indicator
            )
    return rows


def _page_forms(
    implementation: Implementation, my_vote: AssessmentVote | None, bound: BoundForms
) -> dict[str, forms.Form]:
    """The page's own forms (those of `Action.on_page`), blank or as the refused POST left them."""
    return {
        name: bound.get(name) or action.form_blank(implementation, my_vote)
        for name, action in ACTIONS.items()
        if action.on_page
    }


def _implementation_context(
    request, process: Process, implementation: Implementation, bound: BoundForms | None = None
) -> dict:
    """The implementation page; `bound` replaces the blank form of the action that failed."""
    bound = bound or {}
    user = request.user
    abilities = implementation_abilities(implementation=implementation, user=user)
    yes, no = assessment_votes(implementation=implementation)
    my_vote = None
    if user.is_authenticated:
        my_vote = AssessmentVote.objects.filter(implementation=implementation, voter=user).first()
    refusal = participation_refusal(process=process, user=user) if user.is_authenticated else None
    return {
        "process": process,
        "rule": process_rule(process),
        "implementation": implementation,
        "project": implementation.project,
        "roles": set(abilities.roles),
        "role_names": sorted(abilities.roles),
        "roles_on_hold": abilities.roles_on_hold,
        "participation_refusal": refusal,
        "can_manage": abilities.can_manage,
        "is_team": abilities.is_team,
        "can_post": abilities.can_post,
        "can_sign": abilities.can_sign,
        "can_verify": abilities.can_verify,
        "closed": abilities.closed,
        "champion_name": user_display(implementation.champion),
        "servants": [user_display(u) for u in implementation.civil_servants.order_by("pk")],
        "volunteers": [user_display(u) for u in implementation.volunteers.order_by("pk")],
        "events": implementation.events.select_related("actor", "from_user", "to_user"),
        "milestones": _milestones_with_forms(implementation, bound),
        "updates": implementation.updates.select_related("author", "photo"),
        "indicators": _indicators_with_forms(implementation, bound),
        "effects": implementation.effects.select_related("recorded_by"),
        "score": implementation_score(implementation=implementation),
        "yes_votes": yes,
        "no_votes": no,
        "my_vote": my_vote,
        "can_confirm": implementation.confirmation_open
        and voter_eligible(process=process, user=user),
        "evaluation": process.phase == Phase.EVALUATION,
        "forms": _page_forms(implementation, my_vote, bound),
    }


def implementation_detail(request, slug: str, pk: int):
    """A funded project being implemented: team, timeline, milestones, updates, indicators,
    effects, the assessment and the citizens' confirmation."""
    process = process_or_404(slug, request.user)
    implementation = implementation_or_404(process, pk)
    context = _implementation_context(request, process, implementation)
    return render(request, "budgeting/implementation/implementation.html", context)


def _action_run(
    request, action: Action, implementation: Implementation
) -> tuple[str, None] | tuple[None, tuple[str, forms.Form]]:
    """Run `action` on the POST: (success message, None), or (None, (key, bound form)) when the
    form refuses the input. The service's other refusals propagate."""
    subject = None
    if action.target is not None:
        subject_pk = id_or_404(request.POST.get(action.target.post_field))
        subject = get_object_or_404(
            action.target.model, implementation=implementation, pk=subject_pk
        )
    form, data = None, {}
    if action.form is not None:
        form = action.form(request.POST, request.FILES, prefix=action.form_prefix(subject))
        if not form.is_valid():
            return None, (action.form_key(subject), form)
        data = form.cleaned_data
    call = ActionCall(
        implementation=implementation,
        user=request.user,
        post=request.POST,
        data=data,
        subject=subject,
    )
    try:
        return action.run(call), None
    except ValidationError as error:
        if not (action.field_refusals and form is not None and hasattr(error, "error_dict")):
            raise
        # a refusal about a field is shown on that field, what was typed kept
        form_errors_spread(form, error)
        return None, (action.form_key(subject), form)


@login_required
@require_POST
def implementation_action(request, slug: str, pk: int, action: str):
    """One write on the implementation page (`implementation.actions.ACTIONS`); refused input
    is shown again with its reason (400), and a user who may not act on this implementation is
    refused (403)."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    process = process_or_404(slug, request.user)
    implementation = implementation_or_404(process, pk)
    bound, errors, status, message = None, [], 400, None
    try:
        if spec.roles:
            # refused before the input is even read (the services check again)
            implementation_role_require(
                implementation=implementation, user=request.user, allowed=spec.roles
            )
        message, bound = _action_run(request, spec, implementation)
    except ValidationError as error:
        errors = validation_messages(error)
    except PermissionDenied as error:
        errors = [str(error) or _("You may not do that.")]
        status = 403
    if message:
        messages.success(request, message)
        return redirect(implementation.get_absolute_url() + f"#{spec.page_anchor}")
    implementation.refresh_from_db()
    bound_forms: BoundForms = {}
    if bound is not None:
        key, form = bound
        bound_forms[key] = form
        errors = errors or [m for field_errors in form.errors.values() for m in field_errors]
    elif errors and spec.on_page:
        # the service refused valid-looking input: keep what was typed
        bound_forms[action] = spec.form(request.POST)
        bound_forms[action].is_valid()
    context = _implementation_context(request, process, implementation, bound_forms)
    context["action_errors"] = errors
    context["failed_action"] = action
    return render(request, "budgeting/implementation/implementation.html", context, status=status)
