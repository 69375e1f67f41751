"""PB processes: the rule configuration and the phases.

Each public function is one transaction, takes keyword arguments only and raises
`django.core.exceptions.ValidationError` (bad input or wrong phase, with a message a person can
act on) or `PermissionDenied` (the user may not do this to this object: `budgeting.permissions`
says who may).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgeting import permissions
from budgeting.implementation.services import implementations_create
from budgeting.processes.models import PHASE_ORDER, RULE_FIELDS, Phase, Process
from budgeting.processes.selectors import process_lock, rule_canonical_json, rule_config, rule_hash
from budgeting.proposals.models import Project, ProjectStatus
from budgeting.results.ballot_file import ballot_file_request_on_commit
from budgeting.results.services import results_compute

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def _rule_freeze(process: Process) -> None:
    if process.rule_frozen:
        return
    config = rule_config(process)
    process.rule_json = rule_canonical_json(config)
    process.rule_hash = rule_hash(process.rule_json)
    process.rule_frozen_at = timezone.now()


@transaction.atomic
def process_phase_set(*, process: Process, phase: str, user: User) -> Process:
    """Move the process to a later phase.

    Opening the vote needs at least one feasible project and freezes the rule configuration
    (published as canonical JSON with its SHA-256); reaching the results phase counts the votes
    under the frozen rule and stores the outcome. Phases never go back once voting has opened.
    """
    permissions.process_manage_require(process=process, user=user)
    process = process_lock(process)  # waits for ballots in flight (see `ballot_submit`)
    if phase not in PHASE_ORDER:
        raise ValidationError(_("Unknown phase."))
    current, target = PHASE_ORDER.index(process.phase), PHASE_ORDER.index(phase)
    if target == current:
        return process
    if target < current and process.rule_frozen:
        raise ValidationError(
            _("Voting has opened: the process cannot go back to an earlier phase.")
        )
    voting = PHASE_ORDER.index(Phase.VOTING)
    if target >= voting > current or (target >= voting and not process.rule_frozen):
        if not Project.objects.filter(process=process, status=ProjectStatus.FEASIBLE).exists():
            raise ValidationError(
                _("Voting cannot open: no proposal has been reviewed as feasible yet.")
            )
        _rule_freeze(process)
    process.phase = phase
    if target >= PHASE_ORDER.index(Phase.RESULTS) and process.results is None:
        process.results = results_compute(process)
        ballot_file_request_on_commit(process)
    process.save()
    if target >= PHASE_ORDER.index(Phase.IMPLEMENTATION):
        implementations_create(process, user)
    return process


@transaction.atomic
def process_rule_update(*, process: Process, user: User | AnonymousUser, **values) -> Process:
    """Change the ballot and counting rule; refused once the rule is frozen."""
    permissions.process_manage_require(process=process, user=user)
    process = Process.objects.select_for_update().get(pk=process.pk)
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"not rule fields: {sorted(unknown)}")
    if process.rule_frozen:
        raise ValidationError(_("The rule was frozen when voting opened and cannot change."))
    for name, value in values.items():
        setattr(process, name, value)
    process.full_clean()
    process.save()
    return process


@transaction.atomic
def implementation_start(*, process: Process, user: User) -> Process:
    """An organiser starts implementation after the results: every selected project becomes an
    implementation led by its champion, measured by the criteria citizens chose."""
    process = Process.objects.get(pk=process.pk)
    if not process.phase_reached(Phase.RESULTS):
        raise ValidationError(_("Implementation starts after the results are published."))
    return process_phase_set(process=process, phase=Phase.IMPLEMENTATION, user=user)
