"""The PB pages under /pb/: processes, proposals, the ballot, results and organiser screens.

Every write goes through `budgeting.services`, which checks permissions per object; the views
only read the request, call the service and show its message when it refuses.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgeting import services
from budgeting.forms import (
    CommentForm,
    HideCommentForm,
    PhaseForm,
    ProposalForm,
    ResidentForm,
    ReviewForm,
    VotingCodeEntryForm,
    VotingCodesForm,
    ballot_choices_from_post,
)
from budgeting.models import Comment, Implementation, Phase, Process, Project, ProjectStatus
from budgeting.permissions import comment_refusal, participation_refusal
from budgeting.presenters import (
    CODE_SESSION_KEY,
    RECEIPT_SESSION_KEY,
    ballot_view,
    phase_context,
    results_view,
    session_voting_code,
)
from budgeting.selectors import (
    ballot_for,
    comment_threads,
    process_can_manage,
    process_list,
    process_rule,
    project_list,
    project_supported_by,
    voter_can_vote,
    voting_code_find,
)
from portal.models.mixins import _pagination_links
from portal.rate_limits import (
    RateLimitExceeded,
    RateLimitUsage,
    rate_limit_consume,
    rate_limit_response,
)

PER_PAGE = 20


def _process(slug: str, user=None) -> Process:
    process = get_object_or_404(Process.objects.prefetch_related("districts"), slug=slug)
    if process.phase == Phase.DRAFT and not process_can_manage(process=process, user=user):
        raise Http404
    return process


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # a path on this site only: `redirect()` takes anything else for a view name (a 500)
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _login_url(request) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"


def _messages_of(error: ValidationError) -> list[str]:
    return list(error.messages)


def process_index(request):
    """All public processes, newest first."""
    paginator = Paginator(process_list(), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "budgeting/process_index.html",
        {
            "processes": page_obj.object_list,
            "page_obj": page_obj,
            "pagination": _pagination_links(request, page_obj),
        },
    )


def process_detail(request, slug: str):
    process = _process(slug, request.user)
    context = phase_context(request, process)
    return render(request, "budgeting/process_detail.html", context)


def rule_json(request, slug: str):
    """The frozen rule configuration, byte for byte the text whose SHA-256 is published."""
    process = _process(slug, request.user)
    if not process.rule_frozen:
        raise Http404(_("The rule is published when voting opens."))
    response = HttpResponse(process.rule_json, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{process.slug}-rule.json"'
    return response


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
    process = _process(slug, request.user)
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
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("Thank you: your proposal was received. You are its champion.")
            )
            return redirect(project.get_absolute_url())
    return render(
        request,
        "budgeting/proposal_form.html",
        {
            "process": process,
            "form": form,
            "can_propose": process.phase == Phase.PROPOSALS,
            "participation_refusal": refusal,
        },
        status=403 if refusal is not None and request.method == "POST" else 200,
    )


def project_detail(request, slug: str, pk: int):
    process = _process(slug, request.user)
    project = get_object_or_404(project_list(process=process).select_related("reviewed_by"), pk=pk)
    can_manage = process_can_manage(process=process, user=request.user)
    return render(
        request,
        "budgeting/project_detail.html",
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
    process = _process(slug, request.user)
    project = get_object_or_404(Project, process=process, pk=pk)
    support = request.POST.get("support") != "withdraw"
    try:
        services.project_support(project=project, user=request.user, support=support)
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(_messages_of(error)))
    else:
        messages.success(
            request, _("You support this proposal.") if support else _("Support withdrawn.")
        )
    return redirect(_next(request, project.get_absolute_url()))


@login_required
@require_POST
def comment_create(request, slug: str, pk: int):
    process = _process(slug, request.user)
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
                project=project, user=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except PermissionDenied as error:
            error_messages, status = [str(error)], 403
        except ValidationError as error:
            error_messages = _messages_of(error)
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
        "budgeting/project_detail.html",
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
    process = _process(slug, request.user)
    comment = get_object_or_404(
        Comment.objects.select_related("project"), project__process=process, pk=pk
    )
    form = HideCommentForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.comment_hide(comment=comment, user=request.user, reason=reason)
    messages.success(request, _("The comment is hidden."))
    return redirect(comment.project.get_absolute_url() + "#comments")


def ballot(request, slug: str):
    """The ballot: GET shows it with the voter's current choices, POST casts or changes it."""
    process = _process(slug, request.user)
    if process.phase != Phase.VOTING:
        messages.info(request, _("Voting is not open in this process."))
        return redirect(process.get_absolute_url())
    rule = process_rule(process)
    voting_code = session_voting_code(request, process)
    voter = request.user if request.user.is_authenticated else None
    if voting_code is not None and voting_code.claimed_by_id not in (None, getattr(voter, "pk", 0)):
        if voter is not None:
            # a code another account claimed, entered earlier in this browser: not this voter's
            del request.session[CODE_SESSION_KEY.format(pk=process.pk)]
            voting_code = None
        else:
            messages.error(
                request, _("This voting code is tied to an account: sign in with it to vote.")
            )
    if voter is None and voting_code is None and not rule.eligibility_codes:
        return redirect_to_login(request.get_full_path())
    if not voter_can_vote(process=process, voter=voter, voting_code=voting_code):
        if voter is not None:
            messages.error(request, _("Your account is not eligible to vote in this process."))
        return render(
            request,
            "budgeting/ballot_sign_in.html",
            {
                "process": process,
                "rule": rule,
                "code_form": VotingCodeEntryForm(),
                "login_url": _login_url(request),
            },
        )
    errors: list[str] = []
    if request.method == "POST":
        project_pks = [
            project.project.pk
            for section in ballot_view(process).sections
            for project in section.projects
        ]
        choices, errors = ballot_choices_from_post(
            request.POST, ballot_type=rule.ballot_type, project_pks=project_pks
        )
        if not errors:
            try:
                submitted = services.ballot_submit(
                    process=process, choices=choices, voter=voter, voting_code=voting_code
                )
            except ValidationError as error:
                errors = _messages_of(error)
            except PermissionDenied as error:
                errors = [str(error)]
            else:
                # the receipt page, also from an embedded ballot: the receipt must be seen
                request.session[RECEIPT_SESSION_KEY.format(pk=process.pk)] = submitted.receipt
                return redirect("budgeting:ballot_done", slug=process.slug)
        view = ballot_view(process, chosen=choices)
        existing = ballot_for(process=process, voter=voter, voting_code=voting_code)
    else:
        existing = ballot_for(process=process, voter=voter, voting_code=voting_code)
        chosen = {}
        if existing is not None:
            chosen = {c.project_id: (c.rank or c.points) for c in existing.choices.all()}
        view = ballot_view(process, chosen=chosen)
    return render(
        request,
        "budgeting/ballot.html",
        {
            "process": process,
            "rule": rule,
            "ballot": view,
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
    process = _process(slug, request.user)
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
                form.add_error("code", _messages_of(error))
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
        "budgeting/ballot_sign_in.html",
        {
            "process": process,
            "rule": rule,
            "code_form": form,
            "login_url": _login_url(request),
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
    process = _process(slug, request.user)
    receipt = request.session.get(RECEIPT_SESSION_KEY.format(pk=process.pk))
    if not receipt:
        return redirect(process.get_absolute_url())
    return render(
        request,
        "budgeting/ballot_done.html",
        {"process": process, "receipt": services.receipt_display(receipt)},
    )


def results(request, slug: str):
    process = _process(slug, request.user)
    if not process.counts_visible:
        return render(request, "budgeting/results_pending.html", {"process": process}, status=200)
    return render(
        request,
        "budgeting/results.html",
        {"process": process, "results": results_view(process)},
    )


def export_pb(request, slug: str):
    """The process as a pabulib file, once its results are public."""
    from budgeting.exchange import process_to_pabulib

    process = _process(slug, request.user)
    if not process.counts_visible:
        raise Http404(_("Ballots are published with the results."))
    response = HttpResponse(process_to_pabulib(process), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}.pb"'
    return response


# Organiser screens


def _managed(request, slug: str) -> Process:
    process = get_object_or_404(Process.objects.prefetch_related("districts"), slug=slug)
    if not process_can_manage(process=process, user=request.user):
        raise PermissionDenied
    return process


@login_required
def manage(request, slug: str):
    process = _managed(request, slug)
    projects = list(project_list(process=process))
    return render(
        request,
        "budgeting/manage.html",
        _manage_context(
            process, [(project, ReviewForm.for_project(project)) for project in projects]
        ),
    )


def _manage_context(process: Process, reviews: list) -> dict:
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
    process = _managed(request, slug)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            process = services.process_phase_set(
                process=process, phase=form.cleaned_data["phase"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(_messages_of(error)))
        else:
            messages.success(
                request,
                _("The process is now in the phase “%(phase)s”.")
                % {"phase": process.get_phase_display()},
            )
    return redirect("budgeting:manage", slug=process.slug)


@login_required
@require_POST
def manage_review(request, slug: str, pk: int):
    process = _managed(request, slug)
    project = get_object_or_404(Project, process=process, pk=pk)
    form = ReviewForm.for_project(project, data=request.POST)
    if form.is_valid():
        try:
            services.project_review(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(_messages_of(error)))
        else:
            messages.success(
                request,
                _("“%(title)s” is now: %(status)s.")
                % {"title": project.title, "status": ProjectStatus(project.status).label},
            )
            return redirect(reverse("budgeting:manage", kwargs={"slug": slug}) + f"#review-{pk}")
    projects = list(project_list(process=process))
    reviews = [(p, form if p.pk == project.pk else ReviewForm.for_project(p)) for p in projects]
    return render(request, "budgeting/manage.html", _manage_context(process, reviews), status=400)


@login_required
@require_POST
def manage_codes(request, slug: str):
    """Issue voting codes and show them once, as a printable list."""
    process = _managed(request, slug)
    form = VotingCodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect("budgeting:manage", slug=slug)
    try:
        codes = services.voting_codes_issue(
            process=process, user=request.user, count=form.cleaned_data["count"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(_messages_of(error)))
        return redirect("budgeting:manage", slug=slug)
    response = render(request, "budgeting/voting_codes.html", {"process": process, "codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def manage_resident(request, slug: str):
    """An organiser confirms that a member lives in the process's municipality."""
    process = _managed(request, slug)
    form = ResidentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect(reverse("budgeting:manage", kwargs={"slug": slug}) + "#manage-residents")
    try:
        member = services.voter_residence_confirm(
            process=process, user=request.user, username=form.cleaned_data["username"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(_messages_of(error)))
    else:
        messages.success(
            request,
            _("%(name)s is confirmed as a resident: they can vote with their account.")
            % {"name": member.display_name},
        )
    return redirect(reverse("budgeting:manage", kwargs={"slug": slug}) + "#manage-residents")


@login_required
@require_POST
def manage_recompute(request, slug: str):
    process = _managed(request, slug)
    try:
        services.process_results_recompute(process=process, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(_messages_of(error)))
    else:
        messages.success(request, _("The results were counted again."))
    return HttpResponseRedirect(reverse("budgeting:manage", kwargs={"slug": slug}))
