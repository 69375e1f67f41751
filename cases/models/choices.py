"""The closed lists of a case study: status, experiment design and outcomes, lineage."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


class ExperimentOutcome(models.TextChoices):
    """How a success criterion, or the hypothesis as a whole, came out."""

    MET = "met", _("Met")
    PARTLY_MET = "partly-met", _("Partly met")
    NOT_MET = "not-met", _("Not met")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


class ControlGroup(models.TextChoices):
    NONE = "none", _("No control group")
    DIFFERENT_GROUP = "different-group", _("A different group")
    SAME_GROUP_BEFORE = "same-group-before", _("The same group, before the intervention")
    BOTH = "both", _("Both a different group and the same group before")
    UNKNOWN = "unknown", _("Not known")


class Assignment(models.TextChoices):
    RANDOM = "random", _("Random assignment")
    NON_RANDOM = "non-random", _("Non-random assignment")
    OTHER = "other", _("Other")


class LineageRelation(models.TextChoices):
    """How this case relates to an earlier one, read from this case: “adapted from X”."""

    ADAPTED_FROM = "adapted-from", _("Adapted from")
    INSPIRED_BY = "inspired-by", _("Inspired by")
    SCALED_FROM = "scaled-from", _("Scaled up from")


# The same links read from the other end: “X was adapted into this case”.
LINEAGE_INVERSE_LABELS = {
    LineageRelation.ADAPTED_FROM: _("Adapted into"),
    LineageRelation.INSPIRED_BY: _("Inspired"),
    LineageRelation.SCALED_FROM: _("Scaled to"),
}

# Values of the `experiment_outcome` facet: the hypothesis verdict and each criterion's outcome
# are kept apart, so “experiments whose hypothesis did not hold” is one selection
# (hypothesis-not-met), and “experiments with at least one criterion not met” is another.
HYPOTHESIS_PREFIX = "hypothesis-"
CRITERION_PREFIX = "criterion-"
PENDING = "pending"
