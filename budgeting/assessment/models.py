"""The impact of funded projects: the criteria citizens choose, indicators, effects, assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgeting.implementation.models import Implementation
from budgeting.processes.models import Process
from portal import text_limits


class ImpactCriterion(models.Model):
    """A criterion of success on the process's list, curated by the organisers from the
    champions' suggestions; citizens choose which of them define success when they vote."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("criterion"), max_length=200)
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_("e.g. visitors a week, %.")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    # set when implementation starts: the count of voters who chose it and whether it was chosen
    chosen_by = models.PositiveIntegerField(_("chosen by"), default=0, editable=False)
    selected = models.BooleanField(_("defines success"), default=False, editable=False)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("impact criterion")
        verbose_name_plural = _("impact criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "title"], name="budgeting_criterion_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """One chosen criterion measured for one implementation."""

    implementation = models.ForeignKey(
        Implementation, on_delete=models.CASCADE, related_name="indicators"
    )
    criterion = models.ForeignKey(
        ImpactCriterion, on_delete=models.PROTECT, related_name="indicators"
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    measured = models.DecimalField(
        _("measured value"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    evidence = models.CharField(
        _("evidence source"),
        max_length=500,
        blank=True,
        help_text=_("Where the value comes from: a count, a survey, a link to the data."),
    )
    measured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    measured_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["criterion__sort_order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["implementation", "criterion"], name="budgeting_indicator_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.implementation}: {self.criterion}"

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class UnexpectedEffect(models.Model):
    """An effect nobody planned, good or bad, with its evidence; organisers decide whether it
    counts in the assessment."""

    implementation = models.ForeignKey(
        Implementation, on_delete=models.CASCADE, related_name="effects"
    )
    description = text_limits.PlainTextField(_("what happened"), max_length=text_limits.DETAIL)
    good = models.BooleanField(_("good effect"), default=True)
    evidence = models.CharField(_("evidence"), max_length=500)
    counts = models.BooleanField(_("counts in the assessment"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class AssessmentVote(models.Model):
    """A citizen's yes or no to an implementation's assessment (one per citizen, changeable)."""

    implementation = models.ForeignKey(
        Implementation, on_delete=models.CASCADE, related_name="assessment_votes"
    )
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agree = models.BooleanField()
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["implementation", "voter"], name="budgeting_assessment_vote_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.voter}: {'yes' if self.agree else 'no'}"
