"""The PB pages after the vote: criteria, implementations, the ledger and the open data.

As in `budgeting.views`, every write goes through `budgeting.services`, which checks the user's
role in the object; a refused form is shown again with what was typed and the reason.
"""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgeting import services
from budgeting.forms import (
    AssessmentVoteForm,
    CriteriaChoiceForm,
    CriterionForm,
    EffectForm,
    HandoverForm,
    MeasureForm,
    MilestoneForm,
    ProgressUpdateForm,
    StatusForm,
    TargetForm,
    TeamForm,
)
from budgeting.models import (
    AssessmentVote,
    ImpactCriterion,
    Implementation,
    Indicator,
    Milestone,
    Phase,
    UnexpectedEffect,
)
from budgeting.permissions import (
    implementation_acting_roles,
    implementation_role_require,
    participation_refusal,
)
from budgeting.presenters import indicator_rows, ledger_view, living_case, session_voting_code
from budgeting.selectors import (
    ballot_for,
    criteria_of_ballot,
    criteria_tally,
    implementation_roles,
    implementation_score,
    process_can_manage,
    process_rule,
    user_display,
    voter_eligible,
)
from budgeting.views import _messages_of, _process
from portal.csv_export import CsvWriter
from portal.ids import id_or_404

TEAM_ROLES = {"champion", "servant", "organiser"}
MILESTONE_ACTIONS = {"milestone", "milestone_edit", "milestone_remove"}


def _implementation(process, pk: int) -> Implementation:
    return get_object_or_404(
        Implementation.objects.select_related("project", "project__process", "champion"),
        project__process=process,
        project__pk=pk,
    )


def _milestones_with_forms(implementation, bound: dict) -> list[Milestone]:
    """The milestones, each with its edit form (the refused one keeps what was typed)."""
    milestones = list(
        implementation.milestones.select_related("champion_signed_by", "servant_signed_by")
    )
    for milestone in milestones:
        milestone.edit_form = bound.get(f"milestone_edit-{milestone.pk}") or MilestoneForm(
            prefix=f"ms-{milestone.pk}",
            initial={
                "title": milestone.title,
                "due": milestone.due,
                "description": milestone.description,
            },
        )
    return milestones


def _implementation_context(request, process, implementation, bound: dict | None = None) -> dict:
    """The implementation page; `bound` replaces the blank form of the action that failed."""
    bound = bound or {}
    user = request.user
    roles = implementation_roles(implementation=implementation, user=user)
    # what the user may do: a champion or volunteer whose membership is not active holds the
    # role but acts in it no longer (the page says why instead of offering the forms)
    acting = implementation_acting_roles(implementation=implementation, user=user)
    indicators = list(
        implementation.indicators.select_related("criterion", "measured_by", "verified_by")
    )
    rows = indicator_rows(indicators)
    for row in rows:
        indicator = row["indicator"]
        prefix = f"ind-{indicator.pk}"
        row["target_form"] = bound.get(f"target-{indicator.pk}") or TargetForm(
            prefix=prefix,
            initial={"baseline": indicator.baseline, "target": indicator.target},
        )
        row["measure_form"] = bound.get(f"measure-{indicator.pk}") or MeasureForm(
            prefix=prefix, initial={"evidence": indicator.evidence}
        )
    yes = AssessmentVote.objects.filter(implementation=implementation, agree=True).count()
    no = AssessmentVote.objects.filter(implementation=implementation, agree=False).count()
    my_vote = None
    if user.is_authenticated:
        my_vote = AssessmentVote.objects.filter(implementation=implementation, voter=user).first()
    closed = implementation.closed_at is not None
    return {
        "process": process,
        "rule": process_rule(process),
        "implementation": implementation,
        "project": implementation.project,
        "roles": roles,
        "role_names": sorted(roles),
        "roles_on_hold": bool(roles - acting),
        "participation_refusal": (
            participation_refusal(process=process, user=user) if user.is_authenticated else None
        ),
        "can_manage": "organiser" in acting,
        "is_team": bool(acting & TEAM_ROLES),
        "can_post": bool(acting & (TEAM_ROLES | {"volunteer"})),
        "can_sign": bool(acting & {"champion", "servant"}) and not closed,
        "can_verify": bool(acting & {"servant", "organiser"}) and not closed,
        "closed": closed,
        "champion_name": user_display(implementation.champion),
        "servants": [user_display(u) for u in implementation.civil_servants.order_by("pk")],
        "volunteers": [user_display(u) for u in implementation.volunteers.order_by("pk")],
        "events": implementation.events.select_related("actor", "from_user", "to_user"),
        "milestones": _milestones_with_forms(implementation, bound),
        "updates": implementation.updates.select_related("author", "photo"),
        "indicators": rows,
        "effects": implementation.effects.select_related("recorded_by"),
        "score": implementation_score(implementation=implementation),
        "yes_votes": yes,
        "no_votes": no,
        "my_vote": my_vote,
        "can_confirm": implementation.confirmation_open and voter_eligible(process, user),
        "evaluation": process.phase == Phase.EVALUATION,
        "forms": {
            "team": bound.get("team")
            or TeamForm(
                initial={
                    "civil_servants": ", ".join(
                        u.get_username() for u in implementation.civil_servants.order_by("pk")
                    )
                }
            ),
            "handover": bound.get("handover") or HandoverForm(),
            "status": bound.get("status") or StatusForm(initial={"status": implementation.status}),
            "milestone": bound.get("milestone") or MilestoneForm(),
            "update": bound.get("update") or ProgressUpdateForm(),
            "effect": bound.get("effect") or EffectForm(),
            "confirm": bound.get("confirm")
            or AssessmentVoteForm(
                initial={"agree": None if my_vote is None else ("yes" if my_vote.agree else "no")}
            ),
        },
    }


def implementation_detail(request, slug: str, pk: int):
    """A funded project being implemented: team, timeline, milestones, updates, indicators,
    effects, the assessment and the citizens' confirmation."""
    process = _process(slug, request.user)
    implementation = _implementation(process, pk)
    context = _implementation_context(request, process, implementation)
    return render(request, "budgeting/implementation.html", context)


def _object_from_post(request, model, implementation, field: str):
    object_pk = id_or_404(request.POST.get(field))
    return get_object_or_404(model, implementation=implementation, pk=object_pk)


def _form_service(form, service, **kwargs) -> bool:
    """Run a service with a valid form's data; a refusal about a field is shown on that field
    (what was typed stays); other refusals propagate to the page's error list."""
    try:
        service(**kwargs, **form.cleaned_data)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        for name, field_errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_errors)
        return False
    return True


def _run_action(request, action: str, implementation):
    """Run one action; return (bound form key, form) when the input is refused, else None."""
    user = request.user
    post = request.POST
    if action == "team":
        form = TeamForm(post)
        if form.is_valid():
            services.implementation_team_set(
                implementation=implementation,
                user=user,
                civil_servants=form.cleaned_data["civil_servants"],
            )
            return None, _("The team was saved.")
        return ("team", form), None
    if action == "handover":
        form = HandoverForm(post)
        if form.is_valid():
            services.champion_hand_over(
                implementation=implementation, user=user, **form.cleaned_data
            )
            return None, _("The champion's role was handed over.")
        return ("handover", form), None
    if action == "status":
        form = StatusForm(post)
        if form.is_valid():
            services.implementation_status_set(
                implementation=implementation, user=user, **form.cleaned_data
            )
            return None, _("The status was changed.")
        return ("status", form), None
    if action == "milestone":
        form = MilestoneForm(post)
        if form.is_valid() and _form_service(
            form, services.milestone_add, implementation=implementation, user=user
        ):
            return None, _("The milestone was added.")
        return ("milestone", form), None
    if action == "milestone_edit":
        milestone = _object_from_post(request, Milestone, implementation, "milestone")
        form = MilestoneForm(post, prefix=f"ms-{milestone.pk}")
        was_signed = milestone.signed_off
        if form.is_valid() and _form_service(
            form, services.milestone_edit, milestone=milestone, user=user
        ):
            milestone.refresh_from_db()
            if was_signed and not milestone.signed_off:
                return None, _(
                    "The milestone was changed; its sign-off was cleared, sign it off again."
                )
            return None, _("The milestone was changed.")
        return (f"milestone_edit-{milestone.pk}", form), None
    if action == "milestone_remove":
        milestone = _object_from_post(request, Milestone, implementation, "milestone")
        services.milestone_remove(milestone=milestone, user=user)
        return None, _("The milestone “%(title)s” was removed.") % {"title": milestone.title}
    if action == "sign_off":
        milestone = _object_from_post(request, Milestone, implementation, "milestone")
        milestone = services.milestone_sign_off(milestone=milestone, user=user)
        if milestone.reached:
            return None, _("Signed off: the milestone is reached.")
        return None, _("Signed off: the milestone needs the other sign-off to be reached.")
    if action == "update":
        form = ProgressUpdateForm(post, request.FILES)
        if form.is_valid():
            services.progress_update_post(
                implementation=implementation, user=user, **form.cleaned_data
            )
            return None, _("Your update was posted.")
        return ("update", form), None
    if action in ("target", "measure"):
        indicator = _object_from_post(request, Indicator, implementation, "indicator")
        form_class = TargetForm if action == "target" else MeasureForm
        form = form_class(post, prefix=f"ind-{indicator.pk}")
        if form.is_valid():
            if action == "target":
                services.indicator_set_target(indicator=indicator, user=user, **form.cleaned_data)
                return None, _("The baseline and target were saved.")
            services.indicator_measure(indicator=indicator, user=user, **form.cleaned_data)
            return None, _("The measured value was saved; it counts once verified.")
        return (f"{action}-{indicator.pk}", form), None
    if action == "verify":
        indicator = _object_from_post(request, Indicator, implementation, "indicator")
        services.indicator_verify(indicator=indicator, user=user)
        return None, _("The measured value is verified.")
    if action == "effect":
        form = EffectForm(post)
        if form.is_valid():
            services.effect_record(implementation=implementation, user=user, **form.cleaned_data)
            return None, _("The effect was recorded.")
        return ("effect", form), None
    if action == "effect_count":
        effect = _object_from_post(request, UnexpectedEffect, implementation, "effect")
        counts = post.get("counts") == "yes"
        services.effect_count_set(effect=effect, user=user, counts=counts)
        return None, _("The effect counts in the assessment.") if counts else _(
            "The effect does not count in the assessment."
        )
    if action == "assess":
        implementation = services.implementation_assess(implementation=implementation, user=user)
        return None, _("The project was assessed: citizens can now confirm the assessment.")
    if action == "confirm":
        form = AssessmentVoteForm(post)
        if form.is_valid():
            services.assessment_vote(implementation=implementation, user=user, **form.cleaned_data)
            return None, _("Thank you: your answer was recorded.")
        return ("confirm", form), None
    if action == "decide":
        implementation = services.implementation_bonus_decide(
            implementation=implementation, user=user
        )
        return None, _("The bonus was decided: %(outcome)s.") % {
            "outcome": implementation.get_bonus_outcome_display()
        }
    if action == "volunteer":
        offer = post.get("offer") != "withdraw"
        services.implementation_volunteer(implementation=implementation, user=user, offer=offer)
        return None, _("Thank you for offering your help.") if offer else _("Offer withdrawn.")
    raise Http404


ACTIONS = (
    "team",
    "handover",
    "status",
    "milestone",
    "milestone_edit",
    "milestone_remove",
    "sign_off",
    "update",
    "target",
    "measure",
    "verify",
    "effect",
    "effect_count",
    "assess",
    "confirm",
    "decide",
    "volunteer",
)

# where the page scrolls to after an action, when it is not the action's own name
ACTION_ANCHORS = {"milestone_edit": "milestone", "milestone_remove": "milestone"}


@login_required
@require_POST
def implementation_action(request, slug: str, pk: int, action: str):
    """One write on the implementation page; refused input is shown again with its reason
    (400), and a user who may not act on this implementation is refused (403)."""
    if action not in ACTIONS:
        raise Http404
    process = _process(slug, request.user)
    implementation = _implementation(process, pk)
    bound, errors, status = None, [], 400
    try:
        if action in MILESTONE_ACTIONS:
            # refused before the input is even read (the services check again)
            implementation_role_require(
                implementation=implementation, user=request.user, allowed=TEAM_ROLES
            )
        bound, message = _run_action(request, action, implementation)
    except ValidationError as error:
        errors = _messages_of(error)
        message = None
    except PermissionDenied as error:
        errors = [str(error) or _("You may not do that.")]
        message = None
        status = 403
    if message:
        messages.success(request, message)
        anchor = ACTION_ANCHORS.get(action, action.replace("_", "-"))
        return redirect(implementation.get_absolute_url() + f"#{anchor}")
    implementation.refresh_from_db()
    bound_forms = {}
    if bound is not None:
        key, form = bound
        bound_forms[key] = form
        errors = errors or [m for field_errors in form.errors.values() for m in field_errors]
    elif errors and action in ("team", "handover", "status", "milestone", "update", "effect"):
        form_classes = {
            "team": TeamForm,
            "handover": HandoverForm,
            "status": StatusForm,
            "milestone": MilestoneForm,
            "update": ProgressUpdateForm,
            "effect": EffectForm,
        }
        # the service refused valid-looking input: keep what was typed
        bound_forms[action] = form_classes[action](request.POST)
        bound_forms[action].is_valid()
    context = _implementation_context(request, process, implementation, bound_forms)
    context["action_errors"] = errors
    context["failed_action"] = action
    return render(request, "budgeting/implementation.html", context, status=status)


# Criteria


def criteria(request, slug: str):
    """The process's impact criteria: the organisers' list (editable until voting opens) and,
    from the results on, how many voters chose each and which define success."""
    process = _process(slug, request.user)
    can_manage = process_can_manage(process=process, user=request.user)
    form = CriterionForm()
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            if "import" in request.POST:
                created = services.criteria_from_suggestions(process=process, user=request.user)
                messages.success(
                    request,
                    _("%(count)d suggested criteria were added.") % {"count": len(created)},
                )
                return redirect("budgeting:criteria", slug=slug)
            if "remove" in request.POST:
                criterion = get_object_or_404(
                    ImpactCriterion, process=process, pk=id_or_404(request.POST.get("remove"))
                )
                services.criterion_remove(criterion=criterion, user=request.user)
                messages.success(request, _("The criterion was removed."))
                return redirect("budgeting:criteria", slug=slug)
            form = CriterionForm(request.POST)
            if form.is_valid():
                services.criterion_add(process=process, user=request.user, **form.cleaned_data)
                messages.success(request, _("The criterion was added."))
                return redirect("budgeting:criteria", slug=slug)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.error(request, " ".join(_messages_of(error)))
        status = 400
    tally, voters = criteria_tally(process=process)
    suggestions = sorted(
        {
            line
            for project in process.projects.exclude(status="withdrawn")
            for line in project.impact_criteria_list
        }
    )
    return render(
        request,
        "budgeting/criteria.html",
        {
            "process": process,
            "rule": process_rule(process),
            "can_manage": can_manage,
            "editable": can_manage and not process.phase_reached(Phase.VOTING),
            "form": form,
            "tally": tally,
            "voters": voters,
            "counts_visible": process.counts_visible,
            "suggestions": suggestions,
        },
        status=status,
    )


def criteria_vote(request, slug: str):
    """After casting a ballot, a voter chooses which criteria define success."""
    process = _process(slug, request.user)
    if process.phase != Phase.VOTING:
        messages.info(request, _("Criteria are chosen while voting is open."))
        return redirect(process.get_absolute_url())
    voting_code = session_voting_code(request, process)
    voter = request.user if request.user.is_authenticated else None
    ballot = ballot_for(process=process, voter=voter, voting_code=voting_code)
    if ballot is None:
        messages.info(request, _("Cast your ballot first, then choose the criteria."))
        return redirect("budgeting:ballot", slug=slug)
    form = CriteriaChoiceForm(
        request.POST or None,
        process=process,
        initial={"criteria": [str(pk) for pk in criteria_of_ballot(ballot=ballot)]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.criteria_choose(
                process=process,
                criteria=[int(pk) for pk in form.cleaned_data["criteria"]],
                voter=voter,
                voting_code=voting_code,
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Your choice of criteria was saved."))
            return redirect("budgeting:criteria_vote", slug=slug)
    return render(
        request,
        "budgeting/criteria_vote.html",
        {"process": process, "rule": process_rule(process), "form": form},
        status=400 if request.method == "POST" else 200,
    )


# The ledger and the open data


def _after_vote(slug: str, user):
    process = _process(slug, user)
    if not process.phase_reached(Phase.IMPLEMENTATION):
        raise Http404(_("The ledger opens when implementation starts."))
    return process


def ledger(request, slug: str):
    process = _after_vote(slug, request.user)
    return render(
        request,
        "budgeting/ledger.html",
        {"process": process, "ledger": ledger_view(process)},
    )


LEDGER_COLUMNS = (
    "project_id",
    "project",
    "state",
    "amount",
    "champion",
    "champion_amount",
    "civil_servants",
)


def _ledger_csv(ledger_data: dict) -> str:
    out = io.StringIO()
    writer = CsvWriter(out, lineterminator="\n")
    writer.writerow(LEDGER_COLUMNS)
    for row in ledger_data["rows"]:
        writer.writerow(
            [
                row["project_id"],
                row["project"],
                row["state"],
                row["amount"],
                row["champion"],
                row["champion_amount"],
                "; ".join(f"{s['name']}: {s['amount']}" for s in row["civil_servants"]),
            ]
        )
    for state, amount in ledger_data["totals"].items():
        writer.writerow(["", f"total {state}", state, amount, "", "", ""])
    writer.writerow(["", "pool", "", ledger_data["pool"], "", "", ""])
    return out.getvalue()


def _ledger_data(ledger_data: dict) -> dict:
    return {
        "pool": ledger_data["pool"],
        "currency": ledger_data["currency"],
        "champion_share_percent": ledger_data["champion_share"],
        "totals": ledger_data["totals"],
        "rows": [
            {key: value for key, value in row.items() if key != "state_label"}
            for row in ledger_data["rows"]
        ],
    }


def _json(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def ledger_csv(request, slug: str):
    process = _after_vote(slug, request.user)
    response = HttpResponse(_ledger_csv(ledger_view(process)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}-ledger.csv"'
    return response


def ledger_json(request, slug: str):
    process = _after_vote(slug, request.user)
    response = HttpResponse(
        _json(_ledger_data(ledger_view(process))), content_type="application/json"
    )
    response["Content-Disposition"] = f'inline; filename="{process.slug}-ledger.json"'
    return response


def open_data_bundle(process) -> dict:
    """The whole process as plain data: the rule, proposals, criteria, implementations with
    their indicators, effects and milestones, and the ledger (no personal data beyond the
    public names of champions and civil servants)."""
    tally, voters = criteria_tally(process=process)
    living = living_case(process) if process.phase_reached(Phase.IMPLEMENTATION) else None
    return {
        "process": {
            "slug": process.slug,
            "title": process.title,
            "organiser": process.organiser_name,
            "currency": process.currency,
            "budget": process.budget,
            "phase": process.phase,
            "rule": json.loads(process.rule_json) if process.rule_json else None,
            "rule_sha256": process.rule_hash,
            "ballots": (process.results or {}).get("ballots"),
        },
        "proposals": [
            {
                "id": project.election_id,
                "title": project.title,
                "status": project.status,
                "estimated_cost": project.estimated_cost,
                "reviewed_cost": project.reviewed_cost,
                "review_reason": project.review_reason,
                "suggested_criteria": project.impact_criteria_list,
            }
            for project in process.projects.exclude(status="withdrawn").order_by("pk")
        ],
        "criteria": [
            {
                "id": criterion.pk,
                "title": criterion.title,
                "unit": criterion.unit,
                "chosen_by": count if process.counts_visible else None,
                "defines_success": criterion.selected,
            }
            for criterion, count in tally
        ],
        "criteria_voters": voters if process.counts_visible else None,
        "implementations": [
            {
                "project_id": row["project"].election_id,
                "title": row["project"].title,
                "status": row["implementation"].status,
                "champion": user_display(row["implementation"].champion),
                "milestones_reached": row["milestones_reached"],
                "milestones_total": row["milestones_total"],
                "score": row["implementation"].score,
                "success": row["implementation"].success,
                "bonus": row["implementation"].bonus_outcome,
                "indicators": [
                    {
                        "criterion_id": item["criterion"].pk,
                        "baseline": item["indicator"].baseline,
                        "target": item["indicator"].target,
                        "measured": item["indicator"].measured,
                        "evidence": item["indicator"].evidence,
                        "verified": item["indicator"].verified,
                        "verified_by": user_display(item["indicator"].verified_by),
                        "progress": item["progress"],
                    }
                    for item in row["indicators"]
                ],
                "unexpected_effects": [
                    {
                        "description": effect.description,
                        "good": effect.good,
                        "evidence": effect.evidence,
                        "counts": effect.counts,
                    }
                    for effect in row["implementation"].effects.all()
                ],
            }
            for row in (living["projects"] if living else [])
        ],
        "ledger": _ledger_data(living["ledger"]) if living else None,
    }


def open_data_zip(request, slug: str):
    """The process as a zip: process.json (everything), ledger.csv and the pabulib file."""
    from budgeting.exchange import process_to_pabulib

    process = _process(slug, request.user)
    if not process.counts_visible:
        raise Http404(_("The open data is published with the results."))
    bundle = open_data_bundle(process)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("process.json", _json(bundle))
        archive.writestr(f"{process.slug}.pb", process_to_pabulib(process))
        if bundle["ledger"] is not None:
            archive.writestr("ledger.csv", _ledger_csv(ledger_view(process)))
        archive.writestr(
            "README.txt",
            _("Codebook: %(url)s")
            % {
                "url": request.build_absolute_uri(
                    reverse("budgeting:codebook", kwargs={"slug": slug})
                )
            },
        )
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}-open-data.zip"'
    return response


def codebook(request, slug: str):
    """What every file and field of the open data means."""
    process = _process(slug, request.user)
    return render(
        request,
        "budgeting/codebook.html",
        {
            "process": process,
            "rule": process_rule(process),
            "ledger_columns": LEDGER_COLUMNS,
            "zero": Decimal(0),
        },
    )
