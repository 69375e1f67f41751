"""What a process's page shows in each phase."""

from __future__ import annotations

from django.middleware.csrf import get_token

from budgeting.assessment.presenters import living_case
from budgeting.permissions import participation_refusal, process_can_manage, voter_can_vote
from budgeting.processes.models import Phase, Process
from budgeting.processes.selectors import process_rule
from budgeting.proposals.forms import ProposalForm
from budgeting.proposals.selectors import project_list
from budgeting.results.presenters import results_view
from budgeting.voting.presenters import ballot_view, session_voting_code
from budgeting.voting.selectors import ballot_for


def phase_context(request, process: Process, *, embedded: bool = False) -> dict:
    """What the process's current phase shows, on its page or embedded in another page."""
    user = request.user
    context: dict = {
        "process": process,
        "rule": process_rule(process),
        "embedded": embedded,
        "can_manage": process_can_manage(process=process, user=user),
        "next_url": request.get_full_path(),
    }
    phase = process.phase
    if phase in (Phase.PROPOSALS, Phase.REVIEW):
        context["projects"] = project_list(process=process)
        if phase == Phase.PROPOSALS and user.is_authenticated:
            refusal = participation_refusal(process=process, user=user)
            if refusal is None:
                context["proposal_form"] = ProposalForm(process=process)
            else:
                context["participation_refusal"] = refusal
    elif phase == Phase.VOTING:
        get_token(request)  # the ballot form needs the CSRF cookie, also when embedded
        voter = user if user.is_authenticated else None
        voting_code = session_voting_code(request, process)
        if (
            voting_code is not None
            and voter is not None
            and voting_code.claimed_by_id
            not in (
                None,
                voter.pk,
            )
        ):
            voting_code = None  # another account's code, entered earlier in this browser
        ballot = ballot_for(process=process, voter=voter, voting_code=voting_code)
        chosen = {}
        if ballot is not None:
            chosen = {
                choice.project_id: (choice.rank or choice.points) for choice in ballot.choices.all()
            }
        context.update(
            ballot=ballot_view(process, chosen=chosen),
            existing_ballot=ballot,
            can_vote=voter_can_vote(process=process, voter=voter, voting_code=voting_code),
            voting_code=voting_code,
        )
    elif process.counts_visible:
        context["results"] = results_view(process)
        if process.phase_reached(Phase.IMPLEMENTATION):
            context["living"] = living_case(process)
    return context
