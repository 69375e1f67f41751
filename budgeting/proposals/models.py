"""Proposals of a PB process: projects, the supports they gather before the vote, and comments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budgeting.processes.models import District, Process
from budgeting.texts import TranslatedTextsMixin
from portal import text_limits
from portal.languages import written_in_field


class ProjectStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    FEASIBLE = "feasible", _("Feasible: on the ballot")
    INFEASIBLE = "infeasible", _("Not feasible")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Project(TranslatedTextsMixin, models.Model):
    """A proposal; the member who proposed it is its champion.

    Its title and description are written in `written_in` (the proposer's choice); organisers
    may add `ProjectTranslation`s (`project.text` picks the reader's language).
    """

    translated_fields = ("title", "description")

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
    written_in = written_in_field()
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


class ProjectTranslation(models.Model):
    """A project's title and description in another language, added by the process's
    organisers (`proposals.services.project_translation_save`, which sanitises the description
    as a proposal's is)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    description = text_limits.SanitisedHTMLField(
        _("description"), max_length=text_limits.DESCRIPTION, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["language"]
        verbose_name = _("translation of a project")
        verbose_name_plural = _("translations of projects")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "language"], name="budgeting_project_translation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


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

    # set on the comments `proposals.selectors.comment_threads` returns, not stored
    depth: int
    thread_replies: list[Comment]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = text_limits.SanitisedHTMLField(_("comment"), max_length=text_limits.COMMENT)
    written_in = written_in_field()
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
