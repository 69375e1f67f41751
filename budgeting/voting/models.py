"""Voting in a PB process: voting codes, ballots, their choices and the criteria they chose."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgeting.assessment.models import ImpactCriterion
from budgeting.processes.models import Process
from budgeting.proposals.models import Project


class VotingCode(models.Model):
    """A single-use voting code; only its SHA-256 hash is stored.

    A code entered while signed in is claimed by that account: from then on it votes only as
    that account (one ballot per person, `voting.services.ballot_submit`), never signed out.
    """

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="voting_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voting codes")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "claimed_by"],
                condition=Q(claimed_by__isnull=False),
                name="budgeting_code_one_per_account",
            )
        ]

    def __str__(self) -> str:
        return self.code_hash[:12]


class Ballot(models.Model):
    """One voter's ballot, cast with an account, a voting code, or both.

    `voter` is the account that cast (or took over) the ballot, also when it voted with a code
    it claimed: one ballot per account and process whatever the channel. A code used signed
    out leaves `voter` empty.
    """

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    voting_code = models.OneToOneField(
        VotingCode, on_delete=models.PROTECT, null=True, blank=True, related_name="ballot"
    )
    receipt = models.CharField(max_length=20, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["process", "voter"],
                condition=Q(voter__isnull=False),
                name="budgeting_ballot_one_per_voter",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt


class BallotChoice(models.Model):
    """The points a ballot gives a project (1 for approval; rank for ranked ballots)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveIntegerField(default=1)
    rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "project"], name="budgeting_choice_once_per_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ballot}: {self.project_id} ({self.points})"


class BallotCriterion(models.Model):
    """A voter's choice of a criterion that should define success (one set per ballot)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="criteria_choices")
    criterion = models.ForeignKey(ImpactCriterion, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "criterion"], name="budgeting_ballot_criterion_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ballot}: {self.criterion_id}"
