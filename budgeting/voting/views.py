"""Voting pages: the ballot, entering a voting code, the receipt, and issuing codes.

Every write goes through a room's services, which check permissions per object
(`budgeting.permissions`); the views only read the request, call the service and show its
message when it refuses, with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgeting.permissions import voter_can_vote
from budgeting.processes.models import Phase, Process
from budgeting.processes.selectors import ProcessRule, process_rule
from budgeting.voting import services
from budgeting.voting.forms import (
    ResidentForm,
    VotingCodeEntryForm,
    VotingCodesForm,
    ballot_choices_from_post,
)
from budgeting.voting.models import VotingCode
from budgeting.voting.presenters import (
    CODE_SESSION_KEY,
    RECEIPT_SESSION_KEY,
    ballot_view,
    session_voting_code,
)
from budgeting.voting.selectors import ballot_for, voting_code_find
from budgeting.web import login_url, process_managed, process_or_404
from portal.form_errors import validation_messages
from portal.rate_limits import (
    RateLimitExceeded,
    RateLimitUsage,
    rate_limit_consume,
    rate_limit_response,
)


def _session_code_for(request, process: Process, voter) -> VotingCode | None:
    """The voting code entered in this browser, unless another account claimed it."""
    voting_code = session_voting_code(request, process)
    if voting_code is None or voting_code.claimed_by_id in (None, getattr(voter, "pk", 0)):
        return voting_code
    if voter is None:
        messages.error(
            request, _("This voting code is tied to an account: sign in with it to vote.")
        )
        return voting_code
    # a code another account claimed, entered earlier in this browser: not this voter's
    del request.session[CODE_SESSION_KEY.format(pk=process.pk)]
    return None


def _ballot_cast(
    request, process: Process, rule: ProcessRule, voter, voting_code: VotingCode | None
) -> tuple[dict[int, int], list[str]]:
    """Submit the POSTed ballot: (what was chosen, why it was refused); no reasons: cast."""
    project_pks = [
        project.project.pk
        for section in ballot_view(process).sections
        for project in section.projects
    ]
    choices, errors = ballot_choices_from_post(
        request.POST, ballot_type=rule.ballot_type, project_pks=project_pks
    )
    if errors:
        return choices, errors
    try:
        submitted = services.ballot_submit(
            process=process, choices=choices, voter=voter, voting_code=voting_code
        )
    except ValidationError as error:
        return choices, validation_messages(error)
    except PermissionDenied as error:
        return choices, [str(error)]
    # the receipt page, also from an embedded ballot: the receipt must be seen
    request.session[RECEIPT_SESSION_KEY.format(pk=process.pk)] = submitted.receipt
    return choices, []


def ballot(request, slug: str):
    """The ballot: GET shows it with the voter's current choices, POST casts or changes it."""
    process = process_or_404(slug, request.user)
    if process.phase != Phase.VOTING:
        messages.info(request, _("Voting is not open in this process."))
        return redirect(process.get_absolute_url())
    rule = process_rule(process)
    voter = request.user if request.user.is_authenticated else None
    voting_code = _session_code_for(request, process, voter)
    if voter is None and voting_code is None and not rule.eligibility_codes:
        return redirect_to_login(request.get_full_path())
    if not voter_can_vote(process=process, voter=voter, voting_code=voting_code):
        if voter is not None:
            messages.error(request, _("Your account is not eligible to vote in this process."))
        return render(
            request,
            "budgeting/voting/ballot_sign_in.html",
            {
                "process": process,
                "rule": rule,
                "code_form": VotingCodeEntryForm(),
                "login_url": login_url(request),
            },
        )
    errors: list[str] = []
    if request.method == "POST":
        chosen, errors = _ballot_cast(request, process, rule, voter, voting_code)
        if not errors:
            return redirect("budgeting:ballot_done", slug=process.slug)
    existing = ballot_for(process=process, voter=voter, voting_code=voting_code)
    if request.method != "POST":
        chosen = {}
        if existing is not None:
            chosen = {c.project_id: (c.rank or c.points) for c in existing.choices.all()}
    return render(
        request,
        "budgeting/voting/ballot.html",
        {
            "process": process,
            "rule": rule,
            "ballot": ballot_view(process, chosen=chosen),
            "existing_ballot": existing,
            "ballot_errors": errors,
            "can_vote": True,
            "voting_code": voting_code,
        },
        status=400 if errors else 200,
    )


def ballot_code(request, slug: str):
    """A voter enters a voting code; it is remembered for this session. Entered while signed
    in, the code is tied to the account (one ballot per person: `services.ballot_submit`)."""
    process = process_or_404(slug, request.user)
    rule = process_rule(process)
    if not rule.eligibility_codes:
        raise Http404
    if process.phase != Phase.VOTING:
        messages.info(request, _("Voting is not open in this process."))
        return redirect(process.get_absolute_url())
    form = VotingCodeEntryForm(request.POST or None)
    guess, limited = RateLimitUsage(), None
    if request.method == "POST" and form.is_valid():
        try:
            guess = _voting_code_guess_count(request)
        except RateLimitExceeded as error:
            limited = error.explained(
                _("Too many wrong voting codes were entered from this connection or browser.")
            )
            form.add_error("code", limited)
    if request.method == "POST" and form.is_valid():
        code = voting_code_find(process=process, code=form.cleaned_data["code"])
        if code is not None:
            guess.rollback()  # only wrong codes count
        if code is None:
            form.add_error("code", _("This code is not valid for this process. Check its letters."))
        elif request.user.is_authenticated:
            try:
                services.voting_code_claim(process=process, voting_code=code, user=request.user)
            except ValidationError as error:
                form.add_error("code", validation_messages(error))
            except PermissionDenied as error:
                form.add_error("code", str(error))
            else:
                request.session[CODE_SESSION_KEY.format(pk=process.pk)] = code.pk
                messages.info(
                    request,
                    _(
                        "The code is now tied to your account: you vote once, as this account, "
                        "and the code cannot vote on its own."
                    ),
                )
                return redirect("budgeting:ballot", slug=process.slug)
        elif code.claimed_by_id is not None:
            form.add_error(
                "code", _("This voting code is tied to an account: sign in with it to vote.")
            )
        else:
            request.session[CODE_SESSION_KEY.format(pk=process.pk)] = code.pk
            return redirect("budgeting:ballot", slug=process.slug)
    response = render(
        request,
        "budgeting/voting/ballot_sign_in.html",
        {
            "process": process,
            "rule": rule,
            "code_form": form,
            "login_url": login_url(request),
        },
    )
    return rate_limit_response(response, limited)


def _voting_code_guess_count(request) -> RateLimitUsage:
    """Count a voting-code guess per client address and per browser session
    (`SITE_RATE_LIMITS["pb_voting_code"]`), or raise `RateLimitExceeded`: past the limit every
    guess is refused, a right one too, so codes cannot be found by trying."""
    if request.session.session_key is None:
        request.session.save()
    return rate_limit_consume(
        action="pb_voting_code", request=request, key=f"session:{request.session.session_key}"
    )


def ballot_done(request, slug: str):
    process = process_or_404(slug, request.user)
    receipt = request.session.get(RECEIPT_SESSION_KEY.format(pk=process.pk))
    if not receipt:
        return redirect(process.get_absolute_url())
    return render(
        request,
        "budgeting/voting/ballot_done.html",
        {"process": process, "receipt": services.receipt_display(receipt)},
    )


@login_required
@require_POST
def manage_codes(request, slug: str):
    """Issue voting codes and show them once, as a printable list."""
    process = process_managed(request, slug)
    form = VotingCodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect("budgeting:manage", slug=slug)
    try:
        codes = services.voting_codes_issue(
            process=process, user=request.user, count=form.cleaned_data["count"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(validation_messages(error)))
        return redirect("budgeting:manage", slug=slug)
    response = render(
        request, "budgeting/voting/voting_codes.html", {"process": process, "codes": codes}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def manage_resident(request, slug: str):
    """An organiser confirms that a member lives in the process's municipality."""
    process = process_managed(request, slug)
    form = ResidentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect(reverse("budgeting:manage", kwargs={"slug": slug}) + "#manage-residents")
    try:
        member = services.voter_residence_confirm(
            process=process, user=request.user, username=form.cleaned_data["username"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(validation_messages(error)))
    else:
        messages.success(
            request,
            _("%(name)s is confirmed as a resident: they can vote with their account.")
            % {"name": member.display_name},
        )
    return redirect(reverse("budgeting:manage", kwargs={"slug": slug}) + "#manage-residents")
