"""After the vote: the implementation of a funded project, its timeline, milestones and updates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext
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
    # what a person wrote (a status note, a handover's reason, a milestone's title), as written
    note = text_limits.PlainTextField(_("note"), max_length=text_limits.NOTE, blank=True)
    # what the site records by itself, worded when read (`note_text`): an assessment's score and
    # success, a bonus decision's outcome and votes
    details = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.implementation}: {self.kind}"

    def note_text(self) -> str:
        """The note shown in the timeline, in the reader's language: the site's own records are
        worded now from `details`; a person's note, and a record made before `details` existed
        (a sentence in the language active then), as stored."""
        details = self.details or {}
        try:
            if self.kind == EventKind.ASSESSED and "score" in details:
                return gettext("Score %(score)s: %(outcome)s") % {
                    "score": number_format(details["score"], decimal_pos=2),
                    "outcome": gettext("success")
                    if details["success"]
                    else gettext("not a success"),
                }
            if self.kind == EventKind.BONUS and "outcome" in details:
                return gettext("%(outcome)s (%(yes)d confirmed, %(no)d rejected)") % {
                    "outcome": BonusOutcome(details["outcome"]).label,
                    "yes": int(details["yes"]),
                    "no": int(details["no"]),
                }
        except (KeyError, TypeError, ValueError):
            pass
        return self.note


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
