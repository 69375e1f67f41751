"""Participatory budgeting: processes, their districts, projects, supports, comments and ballots.

The business rules (phase changes, freezing the counting rule, review, ballot limits, one ballot
per voter) live in `budgeting.services`; the models hold data and the database constraints that
back those rules up.
"""

from __future__ import annotations

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


class Process(ClusterableModel):
    """A participatory budgeting process run by one organiser (a municipality or organisation)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(
        _("description"),
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
            heading=_("Budget"),
        ),
        InlinePanel(
            "districts", heading=_("Districts with their own budgets"), label=_("District")
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
            heading=_("Who may vote"),
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
        if self.pk and self.rule_frozen_at:
            stored = Process.objects.filter(pk=self.pk).values(*RULE_FIELDS).first() or {}
            changed = [name for name in RULE_FIELDS if stored.get(name) != getattr(self, name)]
            if changed:
                raise ValidationError(
                    {
                        name: _("The rule was frozen when voting opened and cannot change.")
                        for name in changed
                    }
                )

    @property
    def budget(self) -> Decimal:
        """The amount to share: the given amount, or the percentage of the municipal budget."""
        if self.budget_amount is not None:
            return self.budget_amount
        if self.budget_percentage is not None and self.municipal_budget is not None:
            return (self.municipal_budget * self.budget_percentage / 100).quantize(Decimal("1"))
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
    description = models.TextField(_("description"))  # sanitised HTML (portal.rich_text)
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
    impact_criteria = models.TextField(
        _("impact criteria"), blank=True, help_text=_("One criterion per line.")
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
    review_reason = models.TextField(_("public reason"), blank=True)
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
    body = models.TextField(_("comment"))  # sanitised HTML
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
    """A single-use voting code; only its SHA-256 hash is stored."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="voting_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voting codes")

    def __str__(self) -> str:
        return self.code_hash[:12]


class Ballot(models.Model):
    """One voter's ballot: cast by a signed-in member or with a voting code, never both."""

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
            models.CheckConstraint(
                condition=Q(voter__isnull=True) | Q(voting_code__isnull=True),
                name="budgeting_ballot_voter_or_code",
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
