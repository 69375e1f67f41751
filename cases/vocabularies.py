"""Names of the case library's own facet values (status and experiment outcome)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from cases.models.choices import CRITERION_PREFIX, HYPOTHESIS_PREFIX, PENDING, CaseStatus

EXPERIMENT_OUTCOME_LABELS = {
    HYPOTHESIS_PREFIX + "met": _("Hypothesis held"),
    HYPOTHESIS_PREFIX + "partly-met": _("Hypothesis partly held"),
    HYPOTHESIS_PREFIX + "not-met": _("Hypothesis did not hold"),
    HYPOTHESIS_PREFIX + "inconclusive": _("Hypothesis: inconclusive"),
    HYPOTHESIS_PREFIX + PENDING: _("Hypothesis: no verdict yet"),
    CRITERION_PREFIX + "met": _("A success criterion was met"),
    CRITERION_PREFIX + "partly-met": _("A success criterion was partly met"),
    CRITERION_PREFIX + "not-met": _("A success criterion was not met"),
    CRITERION_PREFIX + "inconclusive": _("A success criterion was inconclusive"),
}


def case_status_labels(values: Iterable[str]) -> dict[str, str]:
    """Names of case statuses (no query: the list is closed)."""
    names = dict(CaseStatus.choices)
    return {value: str(names[value]) for value in values if value in names}


def experiment_outcome_labels(values: Iterable[str]) -> dict[str, str]:
    """Names of experiment outcome facet values (no query: the list is closed)."""
    return {
        value: str(EXPERIMENT_OUTCOME_LABELS[value])
        for value in values
        if value in EXPERIMENT_OUTCOME_LABELS
    }
