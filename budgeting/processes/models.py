"""PB processes: the process with its phases and frozen rule, and its districts."""

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

from budgeting.counting.registry import RULES
from budgeting.texts import TranslatedTextsMixin
from portal import text_limits
from portal.languages import written_in_field


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


# The counting rules a process may use, with names people read: derived from the one registry
# of rules, `budgeting.counting.registry.RULES` (stored values and member names are its keys and
# names; budgeting/tests/test_counting.py ties them).
CountingRule = models.TextChoices(
    "CountingRule",
    [(spec.name, (spec.key, _(spec.label))) for spec in RULES if spec.processes],
    module=__name__,
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


class Process(TranslatedTextsMixin, ClusterableModel):
    """A participatory budgeting process run by one organiser (a municipality or organisation).

    Its title, summary and description are written in `written_in`; organisers give them in the
    site's other languages as `ProcessTranslation` rows (`process.text` picks the reader's).
    """

    translated_fields = ("title", "summary", "description")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = text_limits.PlainTextField(_("summary"), max_length=text_limits.SUMMARY, blank=True)
    description = text_limits.PlainTextField(
        _("description"),
        max_length=text_limits.DESCRIPTION,
        blank=True,
        help_text=_("Plain text; paragraphs separated by blank lines."),
    )
    written_in = written_in_field()
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
    # the outcome that the results page shows: counted when the process enters its results phase
    # (`process_phase_set`), again by `process_results_recompute`, or by the pabulib import
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
                FieldPanel("written_in"),
                FieldPanel("organiser_name"),
                FieldPanel("municipality"),
                FieldPanel("country"),
                FieldPanel("organisers"),
            ],
            heading=_("Process"),
        ),
        InlinePanel(
            "translations",
            heading=_("The process in other languages"),
            label=_("Translation"),
            help_text=_(
                "The title, summary and description in another language of the site. Readers "
                "see the original where a translation leaves a text empty."
            ),
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
        before. Read it, never change it: `processes.selectors.process_rule` interprets it."""
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


class ProcessTranslation(models.Model):
    """A process's title, summary and description in another language, given by its organisers."""

    process = ParentalKey(Process, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = text_limits.PlainTextField(_("summary"), max_length=text_limits.SUMMARY, blank=True)
    description = text_limits.PlainTextField(
        _("description"),
        max_length=text_limits.DESCRIPTION,
        blank=True,
        help_text=_("Plain text; paragraphs separated by blank lines."),
    )

    panels = [
        FieldPanel("language"),
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["language"]
        verbose_name = _("translation of a process")
        verbose_name_plural = _("translations of processes")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "language"], name="budgeting_process_translation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"
