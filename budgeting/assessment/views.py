"""Impact pages: the criteria, the citizens' choice of criteria, the ledger and the open data.

Every write goes through a room's services, which check permissions per object
(`budgeting.permissions`); the views only read the request, call the service and show its
message when it refuses, with what was typed.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgeting.assessment import criteria as criteria_services
from budgeting.assessment.forms import CriteriaChoiceForm, CriterionForm
from budgeting.assessment.models import ImpactCriterion
from budgeting.assessment.presenters import ledger_view, living_case
from budgeting.assessment.selectors import criteria_tally
from budgeting.implementation.selectors import user_display
from budgeting.permissions import process_can_manage
from budgeting.processes.models import Phase
from budgeting.processes.selectors import process_rule
from budgeting.proposals.models import ProjectStatus
from budgeting.proposals.selectors import project_titles
from budgeting.results.ballot_file import ballot_file_text
from budgeting.results.views import ballot_file_preparing
from budgeting.voting.presenters import session_voting_code
from budgeting.voting.selectors import ballot_for, criteria_of_ballot
from budgeting.web import process_or_404
from portal.csv_export import csv_response, csv_text
from portal.form_errors import form_errors_spread, validation_messages
from portal.ids import id_or_404


def criteria(request, slug: str):
    """The process's impact criteria: the organisers' list (editable until voting opens) and,
    from the results on, how many voters chose each and which define success."""
    process = process_or_404(slug, request.user)
    can_manage = process_can_manage(process=process, user=request.user)
    form = CriterionForm()
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            if "import" in request.POST:
                created = criteria_services.criteria_from_suggestions(
                    process=process, user=request.user
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)d suggested criterion was added.",
                        "%(count)d suggested criteria were added.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
                return redirect("budgeting:criteria", slug=slug)
            if "remove" in request.POST:
                criterion = get_object_or_404(
                    ImpactCriterion, process=process, pk=id_or_404(request.POST.get("remove"))
                )
                criteria_services.criterion_remove(criterion=criterion, user=request.user)
                messages.success(request, _("The criterion was removed."))
                return redirect("budgeting:criteria", slug=slug)
            form = CriterionForm(request.POST)
            if form.is_valid():
                criteria_services.criterion_add(
                    process=process, user=request.user, **form.cleaned_data
                )
                messages.success(request, _("The criterion was added."))
                return redirect("budgeting:criteria", slug=slug)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form_errors_spread(form, error)
            else:
                messages.error(request, " ".join(validation_messages(error)))
        status = 400
    tally, voters = criteria_tally(process=process)
    suggestions = sorted(
        {
            line
            for project in process.projects.exclude(status=ProjectStatus.WITHDRAWN)
            for line in project.impact_criteria_list
        }
    )
    return render(
        request,
        "budgeting/assessment/criteria.html",
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
    process = process_or_404(slug, request.user)
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
            criteria_services.criteria_choose(
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
        "budgeting/assessment/criteria_vote.html",
        {"process": process, "rule": process_rule(process), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _after_vote(slug: str, user):
    process = process_or_404(slug, user)
    if not process.phase_reached(Phase.IMPLEMENTATION):
        raise Http404(_("The ledger opens when implementation starts."))
    return process


def ledger(request, slug: str):
    process = _after_vote(slug, request.user)
    ledger = ledger_view(process)
    # the page names the projects in the reader's language (the CSV and JSON keep the originals)
    keys = [row["project_id"] for row in ledger["rows"] if str(row["project_id"]).isdigit()]
    titles = project_titles(process=process, pks=[int(key) for key in keys])
    for row in ledger["rows"]:
        if str(row["project_id"]).isdigit():
            row["project"] = titles.get(int(row["project_id"]), row["project"])
    return render(
        request, "budgeting/assessment/ledger.html", {"process": process, "ledger": ledger}
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


def _ledger_rows(ledger_data: dict) -> Iterator[list]:
    """The ledger's rows under `LEDGER_COLUMNS`: the projects, then the totals and the pool."""
    for row in ledger_data["rows"]:
        yield (
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
        yield ["", f"total {state}", state, amount, "", "", ""]
    yield ["", "pool", "", ledger_data["pool"], "", "", ""]


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
    return csv_response(
        filename=f"{process.slug}-ledger.csv",
        header=LEDGER_COLUMNS,
        rows=_ledger_rows(ledger_view(process)),
    )


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
            for project in process.projects.exclude(status=ProjectStatus.WITHDRAWN).order_by("pk")
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
    """The process as a zip: process.json (everything), ledger.csv and the pabulib file (which
    the worker builds; until then the page says it is being prepared)."""
    process = process_or_404(slug, request.user)
    if not process.counts_visible:
        raise Http404(_("The open data is published with the results."))
    ballots = ballot_file_text(process)
    if ballots is None:
        return ballot_file_preparing(request, process)
    bundle = open_data_bundle(process)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("process.json", _json(bundle))
        archive.writestr(f"{process.slug}.pb", ballots)
        if bundle["ledger"] is not None:
            ledger_csv_text = csv_text(
                header=LEDGER_COLUMNS, rows=_ledger_rows(ledger_view(process))
            )
            archive.writestr("ledger.csv", ledger_csv_text)
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
    process = process_or_404(slug, request.user)
    return render(
        request,
        "budgeting/assessment/codebook.html",
        {
            "process": process,
            "rule": process_rule(process),
            "ledger_columns": LEDGER_COLUMNS,
            "zero": Decimal(0),
        },
    )
