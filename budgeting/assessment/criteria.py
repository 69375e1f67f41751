"""Impact criteria: the organisers' list before the vote and the criteria that define success.

Each public function is one transaction, takes keyword arguments only and raises
`django.core.exceptions.ValidationError` (bad input or wrong phase, with a message a person can
act on) or `PermissionDenied` (the user may not do this to this object: `budgeting.permissions`
says who may).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budgeting import permissions
from budgeting.assessment import maths
from budgeting.assessment.models import ImpactCriterion
from budgeting.assessment.selectors import criteria_tally
from budgeting.processes.models import Phase, Process
from budgeting.processes.selectors import process_lock, process_rule
from budgeting.proposals.models import Project, ProjectStatus
from budgeting.voting.models import Ballot, BallotCriterion, VotingCode
from budgeting.voting.selectors import ballot_for
from budgeting.voting.services import voting_code_claim_locked


def _criteria_open(process: Process) -> None:
    if process.phase_reached(Phase.VOTING):
        raise ValidationError(
            _("The list of criteria was fixed when voting opened: citizens chose from it.")
        )


@transaction.atomic
def criterion_add(*, process: Process, user, title: str, unit: str = "") -> ImpactCriterion:
    """An organiser adds a criterion to the process's list (before voting opens)."""
    permissions.process_manage_require(process=process, user=user)
    _criteria_open(process)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Name the criterion.")})
    if ImpactCriterion.objects.filter(process=process, title__iexact=title).exists():
        raise ValidationError({"title": _("This criterion is already on the list.")})
    criterion = ImpactCriterion(
        process=process,
        title=title[:200],
        unit=unit.strip()[:40],
        sort_order=ImpactCriterion.objects.filter(process=process).count(),
    )
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: ImpactCriterion, user) -> None:
    """An organiser takes a criterion off the list (before voting opens)."""
    permissions.process_manage_require(process=criterion.process, user=user)
    _criteria_open(criterion.process)
    criterion.delete()


@transaction.atomic
def criteria_from_suggestions(*, process: Process, user) -> list[ImpactCriterion]:
    """Put every criterion the champions suggested on the list (each once); return the new."""
    permissions.process_manage_require(process=process, user=user)
    _criteria_open(process)
    known = {
        title.casefold()
        for title in ImpactCriterion.objects.filter(process=process).values_list("title", flat=True)
    }
    created = []
    projects = Project.objects.filter(process=process).exclude(status=ProjectStatus.WITHDRAWN)
    for project in projects.order_by("created_at", "pk"):
        for title in project.impact_criteria_list:
            title = " ".join(title.split())[:200]
            if title.casefold() in known:
                continue
            known.add(title.casefold())
            created.append(criterion_add(process=process, user=user, title=title))
    return created


@transaction.atomic
def criteria_choose(
    *,
    process: Process,
    criteria: list[int],
    voter=None,
    voting_code: VotingCode | None = None,
) -> list[ImpactCriterion]:
    """A voter who has cast a ballot chooses which criteria define success (the whole set is
    replaced; an empty list withdraws the choice). Changeable until voting closes (the process
    row is locked as for a ballot, so that no choice arrives after the close)."""
    process = process_lock(process)
    if process.phase != Phase.VOTING:
        raise ValidationError(_("Criteria are chosen while voting is open."))
    if voter is not None and not getattr(voter, "is_authenticated", False):
        voter = None
    if voter is not None and voting_code is not None:
        voting_code_claim_locked(
            process=process, voting_code=voting_code, user=voter
        )  # one person, one ballot: see above
    ballot = ballot_for(process=process, voter=voter, voting_code=voting_code)
    if ballot is None:
        raise PermissionDenied(_("Cast your ballot first, then choose the criteria."))
    chosen = list(ImpactCriterion.objects.filter(process=process, pk__in=set(criteria)))
    if len(chosen) != len(set(criteria)):
        raise ValidationError(_("A criterion you chose is not on this process's list."))
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    BallotCriterion.objects.filter(ballot=ballot).delete()
    BallotCriterion.objects.bulk_create(
        [BallotCriterion(ballot=ballot, criterion=criterion) for criterion in chosen]
    )
    return chosen


def criteria_select(*, process: Process) -> list[ImpactCriterion]:
    """Store the choice counts and mark the criteria that define success by the published rule
    (`maths.criteria_chosen` with the process's frozen top-N and minimum share)."""
    tally, voters = criteria_tally(process=process)
    published = process_rule(process)
    keys = maths.criteria_chosen(
        counts=[(str(criterion.pk), count) for criterion, count in tally],
        voters=voters,
        top_n=published.criteria_top_n,
        min_share=published.criteria_min_share,
    )
    for criterion, count in tally:
        criterion.chosen_by = count
        criterion.selected = str(criterion.pk) in keys
        criterion.save(update_fields=["chosen_by", "selected"])
    by_pk = {str(criterion.pk): criterion for criterion, _count in tally}
    return [by_pk[key] for key in keys]
