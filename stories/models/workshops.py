"""Story workshops: dated sessions where members tell stories from prompt cards.

Registration (`stories.services`) keeps `capacity` with a waiting list that moves up when someone
cancels. During the workshop a facilitator opens a capture session and participants draft
stories (`StoryDraft`), private to their author until they consent and an editor reviews.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Page

from stories.vocabularies import (
    Disclosure,
    DraftStatus,
    RegistrationStatus,
    RootCause,
    StoryKind,
)
from toolkit.fields import ChoiceListField

DEFAULT_TIME_ZONE = "Europe/Helsinki"


class WorkshopIndexPage(RoutablePageMixin, Page):
    """Upcoming and past story workshops."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types = ["stories.WorkshopPage"]
    max_count = 1

    class Meta:
        verbose_name = _("story workshops")


class WorkshopPage(RoutablePageMixin, Page):
    """One story workshop. Registration, the iCalendar file, the participant list and the
    capture session are routes of this page."""

    summary = models.TextField(_("summary"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        help_text=_("Where the workshop happens, e.g. Europe/Helsinki; times are shown in it."),
    )
    venue = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    facilitators = ParentalManyToManyField(
        "network.Member",
        blank=True,
        related_name="facilitated_workshops",
        verbose_name=_("facilitators"),
    )
    capacity = models.PositiveIntegerField(_("places"), default=20)
    agenda = RichTextField(_("agenda"), features=["bold", "italic", "ol", "ul", "link"], blank=True)
    prompts = models.JSONField(
        _("story prompts used"),
        default=list,
        blank=True,
        help_text=_("The prompt cards, one question each."),
    )
    country = models.ForeignKey(
        "portal.Country",
        verbose_name=_("country"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
    )
    themes = ParentalManyToManyField(
        "portal.Theme", blank=True, related_name="workshops", verbose_name=_("themes")
    )
    capture_open = models.BooleanField(
        _("capture session open"),
        default=False,
        help_text=_("While open, participants draft their stories from the prompt cards."),
    )

    parent_page_types = ["stories.WorkshopIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("story workshop")
        verbose_name_plural = _("story workshops")


class WorkshopRegistration(models.Model):
    """A member's place (or place in the queue) at a workshop; one row per member and workshop,
    kept when cancelled so that the history shows it."""

    workshop = models.ForeignKey(
        WorkshopPage,
        verbose_name=_("workshop"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    member = models.ForeignKey(
        "network.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="workshop_registrations",
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    # the waiting list moves up in the order people joined it
    queued_at = models.DateTimeField(_("joined the list"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("workshop registration")
        verbose_name_plural = _("workshop registrations")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "member"], name="stories_one_registration")
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.workshop}: {self.status}"


class StoryDraft(models.Model):
    """A story drafted from the prompt cards during a workshop's capture session."""

    workshop = models.ForeignKey(
        WorkshopPage,
        verbose_name=_("workshop"),
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    author = models.ForeignKey(
        "network.Member",
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="story_drafts",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind of story"), max_length=20, choices=StoryKind.choices, blank=True
    )
    # the prompt cards
    project = models.TextField(_("the project"), blank=True)
    what_went_wrong = models.TextField(_("what went wrong (or right)"), blank=True)
    why = models.TextField(_("why"), blank=True)
    root_causes = ChoiceListField(_("root causes"), item_choices=RootCause.choices)
    lesson = models.TextField(_("the lesson"), blank=True)
    do_differently = models.TextField(_("what I would do differently"), blank=True)
    # consent and review
    disclosure = models.CharField(
        _("who may read it"),
        max_length=20,
        choices=Disclosure.choices,
        default=Disclosure.PUBLIC_ANONYMOUS,
    )
    consent = models.BooleanField(_("I agree to share it for review"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=DraftStatus.choices, default=DraftStatus.PRIVATE
    )
    story = models.OneToOneField(
        "stories.StoryPage",
        verbose_name=_("story"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_draft",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("workshop story draft")
        verbose_name_plural = _("workshop story drafts")
        ordering = ["-updated_at", "pk"]

    def __str__(self) -> str:
        return self.title or str(_("Untitled draft"))
