"""After the vote: the implementation of a funded project, its timeline, milestones and updates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budgeting.proposals.models import Project
from portal import text_limits


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
    # the assessment (assessment_services.implementation_assess) and the citizens' confirmation
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
