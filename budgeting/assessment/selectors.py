"""Reads about impact: criteria counts, an implementation's score, confirmations, the ledger."""

from __future__ import annotations

from django.db.models import Count

from budgeting.assessment import maths
from budgeting.assessment.models import AssessmentVote, ImpactCriterion
from budgeting.implementation.models import BonusOutcome, Implementation
from budgeting.implementation.selectors import user_display
from budgeting.processes.models import Process
from budgeting.processes.selectors import process_rule
from budgeting.voting.models import BallotCriterion


def criteria_tally(*, process: Process) -> tuple[list[tuple[ImpactCriterion, int]], int]:
    """Each criterion of the process with how many ballots chose it, and how many ballots
    chose any criterion (the base of the minimum share)."""
    criteria = list(ImpactCriterion.objects.filter(process=process))
    counts = dict(
        BallotCriterion.objects.filter(ballot__process=process)
        .values_list("criterion")
        .annotate(n=Count("pk"))
        .values_list("criterion", "n")
    )
    voters = (
        BallotCriterion.objects.filter(ballot__process=process).values("ballot").distinct().count()
    )
    return [(criterion, counts.get(criterion.pk, 0)) for criterion in criteria], voters


def implementation_score(*, implementation: Implementation) -> maths.Score:
    """The success score by the published formula from the stored indicators and effects."""
    rule = process_rule(implementation.project.process)
    indicators = [
        maths.IndicatorValue(
            baseline=float(i.baseline or 0),
            target=float(i.target if i.target is not None else i.baseline or 0),
            measured=None if i.measured is None else float(i.measured),
            verified=i.verified and i.baseline is not None and i.target is not None,
        )
        for i in implementation.indicators.all()
    ]
    effects = [
        maths.EffectValue(good=e.good, counts=e.counts) for e in implementation.effects.all()
    ]
    return maths.success_score(
        indicators=indicators,
        effects=effects,
        effect_weight=float(rule.effect_weight),
        threshold=float(rule.success_threshold),
    )


def assessment_votes(*, implementation: Implementation) -> tuple[int, int]:
    """(yes, no) votes on the implementation's assessment."""
    votes = AssessmentVote.objects.filter(implementation=implementation)
    return votes.filter(agree=True).count(), votes.filter(agree=False).count()


def process_ledger(*, process: Process) -> maths.Ledger:
    """The bonus ledger of the process from its implementations (see `maths.ledger_build`)."""
    implementations = (
        Implementation.objects.filter(project__process=process)
        .select_related("project", "champion")
        .prefetch_related("civil_servants")
        .order_by("project__title", "pk")
    )
    projects = [
        maths.LedgerProject(
            key=str(item.project_id),
            title=item.project.title,
            cost=item.project.cost,
            state=item.bonus_outcome
            if item.bonus_outcome in maths.LEDGER_STATES
            else BonusOutcome.PENDING,
            champion=user_display(item.champion),
            servants=tuple(
                user_display(user) for user in sorted(item.civil_servants.all(), key=lambda u: u.pk)
            ),
        )
        for item in implementations
    ]
    rule = process_rule(process)
    return maths.ledger_build(
        pool=maths.cents(rule.bonus_pool),
        projects=projects,
        champion_share=rule.bonus_champion_share,
    )
