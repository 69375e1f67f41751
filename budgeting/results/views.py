"""Results pages: the results, the pabulib export and counting again.

Every write goes through a room's services, which check permissions per object
(`budgeting.permissions`); the views only read the request, call the service and show its
message when it refuses, with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgeting.results import services
from budgeting.results.ballot_file import ballot_file_text
from budgeting.results.presenters import results_view
from budgeting.web import process_managed, process_or_404
from portal.form_errors import validation_messages


def ballot_file_preparing(request, process) -> HttpResponse:
    """202 Accepted: the worker is writing the ballot file; the page says so and offers the
    link again (a small script follows the link by itself once the file is there)."""
    response = render(
        request,
        "budgeting/results/file_preparing.html",
        {"process": process, "ballots": (process.results or {}).get("ballots")},
        status=202,
    )
    response["Retry-After"] = "10"
    return response


def results(request, slug: str):
    process = process_or_404(slug, request.user)
    if not process.counts_visible:
        return render(
            request, "budgeting/results/results_pending.html", {"process": process}, status=200
        )
    return render(
        request,
        "budgeting/results/results.html",
        {"process": process, "results": results_view(process)},
    )


def export_pb(request, slug: str):
    """The process as a pabulib file, once its results are public (built by the worker)."""
    process = process_or_404(slug, request.user)
    if not process.counts_visible:
        raise Http404(_("Ballots are published with the results."))
    text = ballot_file_text(process)
    if text is None:
        return ballot_file_preparing(request, process)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}.pb"'
    return response


@login_required
@require_POST
def manage_recompute(request, slug: str):
    process = process_managed(request, slug)
    try:
        services.process_results_recompute(process=process, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(validation_messages(error)))
    else:
        messages.success(request, _("The results were counted again."))
    return HttpResponseRedirect(reverse("budgeting:manage", kwargs={"slug": slug}))
