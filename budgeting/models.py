"""Participatory budgeting: processes, their districts, projects, supports, comments and ballots.

The business rules (phase changes, freezing the counting rule, review, ballot limits, one ballot
per voter) live in `budgeting.services`; the models hold data and the database constraints that
back those rules up.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel

from portal import text_limits


class Phase(models.TextChoices):
    """The phases of a process, in the order they happen."""

    DRAFT = "draft", _("Being prepared")
    PROPOSALS = "proposals", _("Proposals")
    REVIEW = "review", _("Review")
    VOTING = "voting", _("Voting")
    RESULTS = "results", _("Results")
    IMPLEMENTATION = "implementation", _("Implementation")
    EVALUATION = "evaluation", _("Evaluation")


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose any number of projects")
    K_APPROVAL = "k_approval", _("Approval of at least and at most a number of projects")
    KNAPSACK = "knapsack", _("Knapsack: choose projects whose costs fit in the budget")
    CUMULATIVE = "cumulative", _("Cumulative: share a number of points between projects")
    RANKED = "ranked", _("Ranked: rank your favourite projects")


class CountingRule(models.TextChoices):
    """The counting rules of `budgeting.rules.Rule`, with names people read."""

    GREEDY = "greedy", _("Greedy by votes (skip projects that do not fit)")
    GREEDY_NO_SKIP = "greedy-no-skip", _("Greedy by votes, stop at the first that does not fit")
    GREEDY_THRESHOLD = "greedy-threshold", _("Greedy by votes with a minimum score")
    EQUAL_SHARES = "equalshares", _("Method of Equal Shares")
    EQUAL_SHARES_ADD1 = (
        "equalshares/add1",
        _("Method of Equal Shares, completed by raising the per-voter budget"),
    )


class TieBreak(models.TextChoices):
    CHEAPER_FIRST = "cost", _("The cheaper project first")
    MORE_SUPPORTS_FIRST = "supports", _("The project with more supports before the vote first")
    EARLIER_FIRST = "submitted", _("The project proposed earlier first")


# The fields that make up the rule configuration: frozen when voting opens.
RULE_FIELDS: tuple[str, ...] = (
    "ballot_type",
    "min_choices",
    "max_choices",
    "points_total",
    "counting_rule",
    "threshold",
    "tie_break",
)

# The rules of the assessment after the vote: frozen with the rule configuration when voting
# opens (published in the same JSON under "impact"), so nobody moves the goalposts later.
IMPACT_RULE_FIELDS: tuple[str, ...] = (
    "bonus_pool_amount",
    "bonus_pool_percentage",
    "bonus_champion_share",
    "criteria_top_n",
    "criteria_min_share",
    "success_threshold",
    "effect_weight",
)

# Everything else that decides the count, also frozen when voting opens: the budget (published
# in the rule as one amount, with the districts' budgets) and who may vote.
BUDGET_FIELDS: tuple[str, ...] = (
    "currency",
    "budget_amount",
    "budget_percentage",
    "municipal_budget",
)
ELIGIBILITY_FIELDS: tuple[str, ...] = (
    "eligibility_accounts",
    "eligibility_codes",
    "country",
    "municipality",
)
FROZEN_FIELDS: tuple[str, ...] = (
    RULE_FIELDS + IMPACT_RULE_FIELDS + BUDGET_FIELDS + ELIGIBILITY_FIELDS
)


class Process(ClusterableModel):
    """A participatory budgeting process run by one organiser (a municipality or organisation)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = text_limits.PlainTextField(_("summary"), max_length=text_limits.SUMMARY, blank=True)
    description = text_limits.PlainTextField(
        _("description"),
        max_length=text_limits.DESCRIPTION,
        blank=True,
        help_text=_("Plain text; paragraphs separated by blank lines."),
    )
    organiser_name = models.CharField(
        _("organiser"), max_length=200, help_text=_("The municipality or organisation.")
    )
    municipality = models.CharField(
        _("municipality"),
        max_length=200,
        blank=True,
        help_text=_("Members of this municipality may vote with their account."),
    )
    country = models.CharField(
        _("country code"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2, e.g. fi.")
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisers"),
        blank=True,
        related_name="organised_pb_processes",
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    budget_amount = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    budget_percentage = models.DecimalField(
        _("budget as a percentage of the municipal budget"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    municipal_budget = models.DecimalField(
        _("municipal budget"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.DRAFT)
    # the published timetable
    proposals_start = models.DateField(_("proposals open"), null=True, blank=True)
    review_start = models.DateField(_("review starts"), null=True, blank=True)
    voting_start = models.DateField(_("voting opens"), null=True, blank=True)
    voting_end = models.DateField(_("voting closes"), null=True, blank=True)
    results_date = models.DateField(_("results published"), null=True, blank=True)
    implementation_start = models.DateField(_("implementation starts"), null=True, blank=True)
    evaluation_start = models.DateField(_("evaluation starts"), null=True, blank=True)
    # the rule configuration (RULE_FIELDS)
    ballot_type = models.CharField(
        _("ballot type"), max_length=20, choices=BallotType.choices, default=BallotType.APPROVAL
    )
    min_choices = models.PositiveIntegerField(
        _("minimum number of projects"), default=1, help_text=_("k-approval and ranked ballots.")
    )
    max_choices = models.PositiveIntegerField(
        _("maximum number of projects"),
        null=True,
        blank=True,
        help_text=_("Approval, k-approval and ranked ballots; empty for no limit."),
    )
    points_total = models.PositiveIntegerField(
        _("points per voter"), default=10, help_text=_("Cumulative ballots.")
    )
    counting_rule = models.CharField(
        _("counting rule"),
        max_length=20,
        choices=CountingRule.choices,
        default=CountingRule.EQUAL_SHARES_ADD1,
    )
    threshold = models.PositiveIntegerField(
        _("minimum score"), default=0, help_text=_("Greedy with a minimum score only.")
    )
    tie_break = models.CharField(
        _("tie-break"), max_length=20, choices=TieBreak.choices, default=TieBreak.CHEAPER_FIRST
    )
    eligibility_accounts = models.BooleanField(_("signed-in members may vote"), default=True)
    # impact bonuses and criteria (IMPACT_RULE_FIELDS), frozen when voting opens
    bonus_pool_amount = models.DecimalField(
        _("bonus pool"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Held back for impact bonuses, besides the budget the vote shares."),
    )
    bonus_pool_percentage = models.DecimalField(
        _("bonus pool as a percentage of the budget"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Used when no amount is given."),
    )
    bonus_champion_share = models.DecimalField(
        _("champion's share of a bonus (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        help_text=_("The rest is shared equally by the project's civil servants."),
    )
    criteria_top_n = models.PositiveIntegerField(
        _("criteria that define success"),
        default=3,
        help_text=_("At most this many of the criteria citizens chose most often."),
    )
    criteria_min_share = models.DecimalField(
        _("minimum share of voters for a criterion (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        help_text=_("A criterion needs at least this share of the voters who chose criteria."),
    )
    success_threshold = models.DecimalField(
        _("success threshold"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.6"),
        help_text=_("A project succeeds when its score (0 to 1) reaches this."),
    )
    effect_weight = models.DecimalField(
        _("weight of an unexpected effect"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.05"),
        help_text=_("Added (good) or taken (bad) from the score per effect that counts."),
    )
    eligibility_codes = models.BooleanField(_("voting codes may be used"), default=False)
    # set by services.process_phase_set when voting opens, never changed afterwards
    rule_frozen_at = models.DateTimeField(
        _("rule frozen at"), null=True, blank=True, editable=False
    )
    rule_json = models.TextField(_("published rule"), blank=True, editable=False)
    rule_hash = models.CharField(
        _("SHA-256 of the rule"), max_length=64, blank=True, editable=False
    )
    # set by services.process_results_publish: the outcome that the results page shows
    results = models.JSONField(_("results"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("title"),
                FieldPanel("slug"),
                FieldPanel("summary"),
                FieldPanel("description"),
                FieldPanel("organiser_name"),
                FieldPanel("municipality"),
                FieldPanel("country"),
                FieldPanel("organisers"),
            ],
            heading=_("Process"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("currency"),
                FieldPanel("budget_amount"),
                FieldPanel("budget_percentage"),
                FieldPanel("municipal_budget"),
            ],
            heading=_("Budget (frozen when voting opens)"),
        ),
        InlinePanel(
            "districts",
            heading=_("Districts with their own budgets (frozen when voting opens)"),
            label=_("District"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("proposals_start"),
                FieldPanel("review_start"),
                FieldPanel("voting_start"),
                FieldPanel("voting_end"),
                FieldPanel("results_date"),
                FieldPanel("implementation_start"),
                FieldPanel("evaluation_start"),
            ],
            heading=_("Timetable (organisers move between phases on the process's manage page)"),
        ),
        MultiFieldPanel(
            [FieldPanel(name) for name in RULE_FIELDS],
            heading=_("Ballot and counting rule (frozen when voting opens)"),
        ),
        MultiFieldPanel(
            [FieldPanel("eligibility_accounts"), FieldPanel("eligibility_codes")],
            heading=_("Who may vote (frozen when voting opens)"),
        ),
        MultiFieldPanel(
            [FieldPanel(name) for name in IMPACT_RULE_FIELDS],
            heading=_("Impact criteria and bonuses (frozen when voting opens)"),
        ),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("participatory budgeting process")
        verbose_name_plural = _("participatory budgeting processes")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_percentage__isnull=True)
                | Q(budget_percentage__gte=0, budget_percentage__lte=100),
                name="budgeting_process_percentage_range",
            ),
            models.CheckConstraint(
                condition=Q(bonus_champion_share__gte=0, bonus_champion_share__lte=100),
                name="budgeting_process_champion_share_range",
            ),
            models.CheckConstraint(
                condition=Q(bonus_pool_amount__isnull=True) | Q(bonus_pool_amount__gte=0),
                name="budgeting_process_bonus_pool_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("budgeting:process", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.budget_amount is None and not (
            self.budget_percentage is not None and self.municipal_budget is not None
        ):
            raise ValidationError(
                _("Give the budget as an amount, or as a percentage of the municipal budget.")
            )
        if self.bonus_pool_percentage is not None and not 0 <= self.bonus_pool_percentage <= 100:
            raise ValidationError(
                {"bonus_pool_percentage": _("Give a percentage between 0 and 100.")}
            )
        if self.pk and self.rule_frozen_at:
            stored = Process.objects.filter(pk=self.pk).values(*FROZEN_FIELDS).first() or {}
            changed = [name for name in FROZEN_FIELDS if stored.get(name) != getattr(self, name)]
            if changed:
                raise ValidationError(
                    {
                        name: _("The rule was frozen when voting opened and cannot change.")
                        for name in changed
                    }
                )

    @property
    def published_rule(self) -> dict | None:
        """The rule configuration published when voting opened (`rule_json`), as data; None
        before. Read it, never change it: `budgeting.selectors.process_rule` interprets it."""
        if not (self.rule_frozen_at and self.rule_json):
            return None
        cached = self.__dict__.get("_published_rule")
        if cached is None or cached[0] != self.rule_json:
            cached = (self.rule_json, json.loads(self.rule_json))
            self.__dict__["_published_rule"] = cached
        return cached[1]

    @property
    def budget(self) -> Decimal:
        """The amount the vote shares: the one published when voting opened; before that the
        configured amount (`budget_configured`)."""
        published = self.published_rule
        if published is not None and "budget" in published:
            return Decimal(published["budget"])
        return self.budget_configured

    @property
    def budget_configured(self) -> Decimal:
        """The budget as the fields give it: the amount, or the percentage of the municipal
        budget (what is published when voting opens)."""
        if self.budget_amount is not None:
            return self.budget_amount
        if self.budget_percentage is not None and self.municipal_budget is not None:
            return (self.municipal_budget * self.budget_percentage / 100).quantize(Decimal("1"))
        return Decimal(0)

    @property
    def bonus_pool(self) -> Decimal:
        """The impact bonus pool: the one published when voting opened; before that the
        configured pool (`bonus_pool_configured`)."""
        published = (self.published_rule or {}).get("impact") or {}
        if "bonus_pool" in published:
            return Decimal(published["bonus_pool"])
        return self.bonus_pool_configured

    @property
    def bonus_pool_configured(self) -> Decimal:
        """The pool as the fields give it: the amount, or the percentage of the budget."""
        if self.bonus_pool_amount is not None:
            return self.bonus_pool_amount
        if self.bonus_pool_percentage is not None:
            return (self.budget_configured * self.bonus_pool_percentage / 100).quantize(
                Decimal("0.01")
            )
        return Decimal(0)

    @property
    def rule_frozen(self) -> bool:
        return self.rule_frozen_at is not None

    @property
    def counts_visible(self) -> bool:
        """Vote counts are secret until the results phase."""
        return PHASE_ORDER.index(self.phase) >= PHASE_ORDER.index(Phase.RESULTS)

    def phase_reached(self, phase: str) -> bool:
        return PHASE_ORDER.index(self.phase) >= PHASE_ORDER.index(phase)


class District(models.Model):
    """A part of the municipality with its own budget; its projects are counted separately."""

    process = ParentalKey(Process, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(_("name"), max_length=200)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("budget")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "name"], name="budgeting_district_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProjectStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    FEASIBLE = "feasible", _("Feasible: on the ballot")
    INFEASIBLE = "infeasible", _("Not feasible")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Project(models.Model):
    """A proposal; the member who proposed it is its champion."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="projects")
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("district"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = text_limits.SanitisedHTMLField(
        _("description"), max_length=text_limits.DESCRIPTION
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    theme = models.ForeignKey(
        "portal.Theme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("theme"),
    )
    estimated_cost = models.DecimalField(_("estimated cost"), max_digits=14, decimal_places=2)
    reviewed_cost = models.DecimalField(
        _("reviewed cost"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    impact_criteria = text_limits.PlainTextField(
        _("impact criteria"),
        max_length=text_limits.NOTE,
        blank=True,
        help_text=_("One criterion per line."),
    )
    champion = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="championed_pb_projects",
        verbose_name=_("champion"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.SUBMITTED
    )
    review_reason = text_limits.PlainTextField(
        _("public reason"), max_length=text_limits.NOTE, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # the project's id in a pabulib file it was imported from (and exported to)
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost__gte=0), name="budgeting_project_cost_positive"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_cost__isnull=True) | Q(reviewed_cost__gte=0),
                name="budgeting_project_reviewed_cost_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("budgeting:project", kwargs={"slug": self.process.slug, "pk": self.pk})

    @property
    def cost(self) -> Decimal:
        """The cost that counts: the reviewed cost once set, the estimate before."""
        return self.reviewed_cost if self.reviewed_cost is not None else self.estimated_cost

    @property
    def election_id(self) -> str:
        """The project's id in elections and pabulib files."""
        return self.external_id or str(self.pk)

    @property
    def impact_criteria_list(self) -> list[str]:
        return [line.strip() for line in self.impact_criteria.splitlines() if line.strip()]


class Support(models.Model):
    """A member's support for a proposal before the vote (one per member and project)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="budgeting_support_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} supports {self.project}"


class Comment(models.Model):
    """A comment on a proposal, or a reply to one; organisers can hide it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = text_limits.SanitisedHTMLField(_("comment"), max_length=text_limits.COMMENT)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} on {self.project}"

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class VotingCode(models.Model):
    """A single-use voting code; only its SHA-256 hash is stored.

    A code entered while signed in is claimed by that account: from then on it votes only as
    that account (one ballot per person, `services.ballot_submit`), never signed out.
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


# After the vote: impact criteria, co-implementation, indicators and bonuses (issue 9).
# The rules (who may do what, when, and the arithmetic in `budgeting.impact`) live in services.


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


class ImplementationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    STALLED = "stalled", _("Stalled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class BonusOutcome(models.TextChoices):
    PENDING = "committed", _("Committed: not assessed yet")
    RELEASED = "released", _("Released: the project succeeded")
    FORFEITED = "forfeited", _("Forfeited: the project did not succeed")


class Implementation(models.Model):
    """A selected project being carried out by its champion with civil servants and volunteers."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="implementation")
    champion = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="championed_pb_implementations",
        verbose_name=_("champion"),
    )
    civil_servants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="pb_implementations_served",
        verbose_name=_("civil servants"),
    )
    volunteers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="pb_implementations_volunteered",
        verbose_name=_("volunteers"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.PLANNED,
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    # the assessment (services.implementation_assess) and the citizens' confirmation
    score = models.DecimalField(
        _("success score"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    success = models.BooleanField(_("succeeded"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    confirmation_open = models.BooleanField(_("citizens are confirming"), default=False)
    bonus_outcome = models.CharField(
        _("bonus"), max_length=20, choices=BonusOutcome.choices, default=BonusOutcome.PENDING
    )
    closed_at = models.DateTimeField(_("bonus decided"), null=True, blank=True)

    class Meta:
        ordering = ["project__title", "pk"]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")

    def __str__(self) -> str:
        return str(self.project)

    def get_absolute_url(self) -> str:
        return reverse(
            "budgeting:implementation",
            kwargs={"slug": self.project.process.slug, "pk": self.project_id},
        )


class EventKind(models.TextChoices):
    STARTED = "started", _("Implementation started")
    STATUS = "status", _("Status changed")
    HANDOVER = "handover", _("Champion handed over")
    MILESTONE = "milestone", _("Milestone reached")
    ASSESSED = "assessed", _("Assessed")
    BONUS = "bonus", _("Bonus decided")


class ImplementationEvent(models.Model):
    """One entry of an implementation's public history (append-only)."""

    implementation = models.ForeignKey(
        Implementation, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ImplementationStatus.choices, blank=True
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = text_limits.PlainTextField(_("note"), max_length=text_limits.NOTE, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.implementation}: {self.kind}"


class Milestone(models.Model):
    """A step of the implementation; reached only when the champion and a civil servant have
    both signed it off (who and when is kept)."""

    implementation = models.ForeignKey(
        Implementation, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due = models.DateField(_("due"), null=True, blank=True)
    description = text_limits.PlainTextField(
        _("description"), max_length=text_limits.DETAIL, blank=True
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    champion_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    champion_signed_at = models.DateTimeField(null=True, blank=True)
    servant_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    servant_signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "due", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    @property
    def reached(self) -> bool:
        return self.champion_signed_at is not None and self.servant_signed_at is not None

    @property
    def reached_at(self):
        """When the milestone was reached: the later of the two sign-offs (None until both)."""
        if not self.reached:
            return None
        return max(self.champion_signed_at, self.servant_signed_at)

    @property
    def signed_off(self) -> bool:
        """Has anyone signed it off yet (then a change clears the sign-off)?"""
        return self.champion_signed_at is not None or self.servant_signed_at is not None


class ProgressUpdate(models.Model):
    """A public progress update by the implementation team, with an optional photo."""

    implementation = models.ForeignKey(
        Implementation, on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = text_limits.SanitisedHTMLField(_("update"), max_length=text_limits.COMMENT)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    photo_alt = models.CharField(_("photo description"), max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.implementation} ({self.created_at:%Y-%m-%d})"


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
