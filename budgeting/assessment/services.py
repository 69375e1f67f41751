"""Impact: indicators, unexpected effects, the assessment, citizens' confirmation and the bonus.

Each public function is one transaction, takes keyword arguments only and raises
`django.core.exceptions.ValidationError` (bad input or wrong phase, with a message a person can
act on) or `PermissionDenied` (the user may not do this to this object: `budgeting.permissions`
says who may).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgeting import permissions
from budgeting.assessment.models import AssessmentVote, Indicator, UnexpectedEffect
from budgeting.assessment.selectors import implementation_score
from budgeting.implementation.models import BonusOutcome, EventKind, Implementation
from budgeting.implementation.services import (
    implementation_event_add,
    implementation_lock,
    implementation_lock_pk,
    implementation_open_check,
)
from budgeting.permissions import voter_eligible
from budgeting.processes.models import Phase

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def _indicator(indicator: Indicator) -> Indicator:
    # the implementation first, as every change of its record locks it (the bonus decision too)
    implementation = implementation_lock_pk(indicator.implementation_id)
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("criterion")
        .get(pk=indicator.pk)
    )
    indicator.implementation = implementation
    return indicator


@transaction.atomic
def indicator_set_target(
    *, indicator: Indicator, user: User | AnonymousUser, baseline: Decimal, target: Decimal
) -> Indicator:
    """An organiser or civil servant sets the baseline and target (before the assessment)."""
    indicator = _indicator(indicator)
    implementation = indicator.implementation
    permissions.implementation_role_require(
        implementation=implementation, user=user, allowed={"servant", "organiser"}
    )
    implementation_open_check(implementation=implementation)
    if implementation.assessed_at is not None:
        raise ValidationError(_("The project has been assessed: its targets cannot change."))
    indicator.baseline, indicator.target = baseline, target
    indicator.verified_by, indicator.verified_at = None, None
    indicator.save()
    return indicator


@transaction.atomic
def indicator_measure(
    *, indicator: Indicator, user: User, measured: Decimal, evidence: str
) -> Indicator:
    """The champion, a civil servant or an organiser records a measured value with its evidence
    source; a new value needs verifying again."""
    indicator = _indicator(indicator)
    implementation = indicator.implementation
    permissions.implementation_role_require(
        implementation=implementation, user=user, allowed={"champion", "servant", "organiser"}
    )
    implementation_open_check(implementation=implementation)
    if indicator.baseline is None or indicator.target is None:
        raise ValidationError(_("Set the baseline and target before measuring."))
    if not evidence.strip():
        raise ValidationError({"evidence": _("Say where the value comes from.")})
    indicator.measured = measured
    indicator.evidence = evidence.strip()[:500]
    indicator.measured_by, indicator.measured_at = user, timezone.now()
    indicator.verified_by, indicator.verified_at = None, None
    indicator.save()
    return indicator


@transaction.atomic
def indicator_verify(*, indicator: Indicator, user: User) -> Indicator:
    """A civil servant or organiser other than the person who measured verifies the value."""
    indicator = _indicator(indicator)
    implementation = indicator.implementation
    permissions.implementation_role_require(
        implementation=implementation, user=user, allowed={"servant", "organiser"}
    )
    implementation_open_check(implementation=implementation)
    if indicator.measured is None:
        raise ValidationError(_("There is no measured value to verify yet."))
    if indicator.measured_by_id == user.pk:
        raise ValidationError(_("Someone other than the person who measured must verify."))
    indicator.verified_by, indicator.verified_at = user, timezone.now()
    indicator.save(update_fields=["verified_by", "verified_at"])
    return indicator


@transaction.atomic
def effect_record(
    *,
    implementation: Implementation,
    user: User,
    description: str,
    good: bool,
    evidence: str,
) -> UnexpectedEffect:
    """The team records an unexpected effect, good or bad, with its evidence."""
    implementation = implementation_lock(implementation)
    permissions.implementation_role_require(
        implementation=implementation, user=user, allowed={"champion", "servant", "organiser"}
    )
    implementation_open_check(implementation=implementation)
    errors = {}
    if not description.strip():
        errors["description"] = _("Describe what happened.")
    if not evidence.strip():
        errors["evidence"] = _("Give the evidence: a count, a report, a link.")
    if errors:
        raise ValidationError(errors)
    return UnexpectedEffect.objects.create(
        implementation=implementation,
        description=description.strip()[:4000],
        good=good,
        evidence=evidence.strip()[:500],
        recorded_by=user,
    )


@transaction.atomic
def effect_count_set(
    *, effect: UnexpectedEffect, user: User | AnonymousUser, counts: bool
) -> UnexpectedEffect:
    """An organiser decides whether an unexpected effect counts in the assessment."""
    implementation = implementation_lock_pk(effect.implementation_id)
    permissions.process_manage_require(process=implementation.project.process, user=user)
    implementation_open_check(implementation=implementation)
    effect.counts = counts
    effect.save(update_fields=["counts"])
    return effect


@transaction.atomic
def implementation_assess(*, implementation: Implementation, user: User) -> Implementation:
    """An organiser computes the success score (evaluation phase) by the published formula and
    opens the citizens' confirmation vote; assessing again clears the votes cast so far."""
    implementation = implementation_lock(implementation)
    process = implementation.project.process
    permissions.process_manage_require(process=process, user=user)
    implementation_open_check(implementation=implementation)
    if process.phase != Phase.EVALUATION:
        raise ValidationError(_("Projects are assessed in the evaluation phase."))
    score = implementation_score(implementation=implementation)
    implementation.score = Decimal(str(round(score.value, 4)))
    implementation.success = score.success
    implementation.assessed_at = timezone.now()
    implementation.confirmation_open = True
    implementation.save()
    AssessmentVote.objects.filter(implementation=implementation).delete()
    implementation_event_add(
        implementation,
        EventKind.ASSESSED,
        user,
        # worded when read, in the reader's language (ImplementationEvent.note_text)
        details={"score": round(float(score.value), 4), "success": bool(score.success)},
    )
    return implementation


@transaction.atomic
def assessment_vote(*, implementation: Implementation, user: User, agree: bool) -> AssessmentVote:
    """An eligible citizen confirms (or rejects) the assessment; one vote each, changeable
    while the confirmation is open."""
    implementation = Implementation.objects.select_related("project__process").get(
        pk=implementation.pk
    )
    if not implementation.confirmation_open:
        raise ValidationError(_("The assessment is not open for confirmation."))
    if not voter_eligible(process=implementation.project.process, user=user):
        raise PermissionDenied(_("Your account is not eligible to vote in this process."))
    vote, _created = AssessmentVote.objects.update_or_create(
        implementation=implementation, voter=user, defaults={"agree": agree}
    )
    return vote


@transaction.atomic
def implementation_bonus_decide(*, implementation: Implementation, user: User) -> Implementation:
    """An organiser closes the confirmation: the bonus is released when the project succeeded
    and more citizens confirmed the assessment than rejected it, otherwise forfeited."""
    implementation = implementation_lock(implementation)
    permissions.process_manage_require(process=implementation.project.process, user=user)
    implementation_open_check(implementation=implementation)
    if not implementation.confirmation_open:
        raise ValidationError(_("Assess the project first."))
    votes = AssessmentVote.objects.filter(implementation=implementation)
    yes, no = votes.filter(agree=True).count(), votes.filter(agree=False).count()
    released = bool(implementation.success) and yes > no
    implementation.bonus_outcome = BonusOutcome.RELEASED if released else BonusOutcome.FORFEITED
    implementation.confirmation_open = False
    implementation.closed_at = timezone.now()
    implementation.save()
    implementation_event_add(
        implementation,
        EventKind.BONUS,
        user,
        details={"outcome": implementation.bonus_outcome, "yes": yes, "no": no},
    )
    return implementation
