"""Story workshops: dated sessions where members tell stories from prompt cards.

Registration (`stories.workshops.services`) keeps `capacity` with a waiting list that moves up
when someone cancels. During the workshop a facilitator opens a capture session and participants
draft stories (`StoryDraft`), private to their author until they consent and an editor reviews.

A workshop translated into other languages is one event: its original page (the first created,
`stories.workshops.selectors.workshop_event`) holds the registrations and drafts, and what
defines the event (its times and time zone, capacity, online link, capture session and
facilitators) is read from it in every language. A translation's own copies of those change only
when an editor syncs it, so nothing shows or checks them.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index

from portal import text_limits
from portal.languages import written_in_field
from portal.models.mixins import ReaderLanguagePageMixin
from stories.vocabularies import Disclosure, RootCause, StoryKind
from stories.workshops.vocabularies import DraftStatus, RegistrationStatus
from toolkit.fields import ChoiceListField

DEFAULT_TIME_ZONE = "Europe/Helsinki"


@functools.cache
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_validate(value: str) -> None:
    """An IANA time zone name such as "Europe/Helsinki" (what iCalendar's TZID carries)."""
    if value not in _time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone name; use one like Europe/Helsinki."),
            code="invalid_time_zone",
            params={"value": value},
        )


class PromptLinesField(forms.CharField):
    """The prompt cards as a text box, one question per line, stored as a list."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        text = super().to_python(value) or ""
        MaxLengthValidator(text_limits.NOTE)(text)  # what was typed, before it is split
        return [line.strip() for line in text.splitlines() if line.strip()]


class WorkshopPageForm(WagtailAdminPageForm):
    """The workshop's times are typed as the clock reads at the workshop (its own time zone),
    whatever the editor's own zone is; prompts are typed one per line."""

    prompts = PromptLinesField(
        label=_("Story prompts used"),
        required=False,
        help_text=_("The prompt cards, one question per line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.starts_at and not self.is_bound:
            zone = _zone_or_default(instance.time_zone)
            for name in ("starts_at", "ends_at"):
                value = getattr(instance, name)
                if value is not None:
                    wall_clock = timezone.localtime(value, zone).replace(tzinfo=None)
                    self.initial[name] = timezone.make_aware(wall_clock)
        for name in ("starts_at", "ends_at"):
            if name in self.fields:
                self.fields[name].help_text = _("Local time at the workshop, in its time zone.")

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        if zone_name and not self.has_error("time_zone"):
            zone = zoneinfo.ZoneInfo(zone_name)
            for name in ("starts_at", "ends_at"):
                value = cleaned.get(name)
                if value is not None:
                    wall_clock = timezone.localtime(value).replace(tzinfo=None)
                    cleaned[name] = timezone.make_aware(wall_clock, zone)
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The workshop must end after it starts."))
        return cleaned


def _zone_or_default(name: str) -> zoneinfo.ZoneInfo:
    try:
        time_zone_validate(name)
    except ValidationError:
        name = DEFAULT_TIME_ZONE
    return zoneinfo.ZoneInfo(name)


class WorkshopIndexPage(ReaderLanguagePageMixin, RoutablePageMixin, Page):
    """Upcoming and past story workshops."""

    intro = text_limits.PlainTextField(_("introduction"), max_length=text_limits.INTRO, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types = ["stories.WorkshopPage"]
    max_count = 1

    class Meta:
        verbose_name = _("story workshops")

    def permissions_for_user(self, user):
        """Story authors reach only the workshops they own (see `stories.permissions`)."""
        from stories.permissions import StoryPermissionTester

        return StoryPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from stories.workshops.selectors import workshops_past, workshops_upcoming

        context = super().get_context(request, *args, **kwargs)
        context["upcoming"] = workshops_upcoming(index=self)
        context["past"] = workshops_past(index=self)
        return context


class WorkshopPage(ReaderLanguagePageMixin, RoutablePageMixin, Page):
    """One story workshop. Registration, the iCalendar file, the participant list and the
    capture session are routes of this page."""

    summary = text_limits.PlainTextField(_("summary"), max_length=text_limits.SUMMARY, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[time_zone_validate],
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
    agenda = text_limits.LimitedRichTextField(
        _("agenda"),
        max_length=text_limits.DESCRIPTION,
        features=["bold", "italic", "ol", "ul", "link"],
        blank=True,
    )
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

    base_form_class = WorkshopPageForm
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("time_zone")],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [FieldPanel("venue"), FieldPanel("address"), FieldPanel("online_url")],
            heading=_("Where"),
        ),
        FieldPanel("facilitators", widget=forms.CheckboxSelectMultiple),
        FieldPanel("capacity"),
        FieldPanel("agenda"),
        FieldPanel("prompts"),
        FieldPanel("country"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("agenda"),
        index.SearchField("venue"),
    ]
    parent_page_types = ["stories.WorkshopIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("story workshop")
        verbose_name_plural = _("story workshops")

    def permissions_for_user(self, user):
        """Story authors reach only the workshops they own (see `stories.permissions`)."""
        from stories.permissions import StoryPermissionTester

        return StoryPermissionTester(user, self)

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The workshop must end after it starts.")})

    def with_content_json(self, content):
        # Whether the capture session is open is the workshop's live state, not content:
        # publishing an older revision must not reopen or close it.
        page = super().with_content_json(content)
        page.capture_open = self.capture_open
        return page

    def get_context(self, request, *args, **kwargs):
        from stories.workshops.views import workshop_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(workshop_page_context(request, workshop=self))
        return context

    # -- time, in the workshop's own zone

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return _zone_or_default(self.time_zone)

    @property
    def local_starts_at(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at, self.zone)

    @property
    def local_ends_at(self) -> datetime.datetime:
        return timezone.localtime(self.ends_at, self.zone)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not (self.venue or self.address)

    # -- routes (the views live in stories.workshops.views)

    @path("register/", name="register")
    def register_route(self, request):
        """POST: the signed-in member takes a place, or joins the waiting list."""
        from stories.workshops.views import workshop_register_post

        return workshop_register_post(request, workshop=self)

    @path("cancel/", name="cancel")
    def cancel_route(self, request):
        """POST: the member gives up their place (or leaves the waiting list)."""
        from stories.workshops.views import workshop_cancel_post

        return workshop_cancel_post(request, workshop=self)

    @path("ical/", name="ical")
    def ical_route(self, request):
        """The workshop as an iCalendar file."""
        from stories.workshops.views import workshop_ical

        return workshop_ical(request, workshop=self)

    @path("participants/", name="participants")
    def participants_route(self, request):
        """Registered and waiting members: facilitators and editors only."""
        from stories.workshops.views import workshop_participant_list

        return workshop_participant_list(request, workshop=self)

    @path("participants/csv/", name="participants_csv")
    def participants_csv_route(self, request):
        from stories.workshops.views import workshop_participant_list

        return workshop_participant_list(request, workshop=self, as_csv=True)

    @path("capture/open/", name="capture_open")
    def capture_open_route(self, request):
        """POST: a facilitator opens the capture session."""
        from stories.workshops.views import workshop_capture_set_post

        return workshop_capture_set_post(request, workshop=self, open_=True)

    @path("capture/close/", name="capture_close")
    def capture_close_route(self, request):
        """POST: a facilitator closes it."""
        from stories.workshops.views import workshop_capture_set_post

        return workshop_capture_set_post(request, workshop=self, open_=False)

    @path("capture/", name="capture")
    def capture_route(self, request):
        """A participant's own drafts, and a new one from the prompt cards."""
        from stories.workshops.views import workshop_capture

        return workshop_capture(request, workshop=self)

    @path("capture/<int:draft_id>/", name="draft")
    def draft_route(self, request, draft_id: int):
        """One of the participant's own drafts: edit it, share it for review."""
        from stories.workshops.views import workshop_capture

        return workshop_capture(request, workshop=self, draft_id=draft_id)


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


def _prompt_answer(label) -> text_limits.PlainTextField:
    return text_limits.PlainTextField(label, max_length=text_limits.STORY_PART, blank=True)


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
    project = _prompt_answer(_("the project"))
    what_went_wrong = _prompt_answer(_("what went wrong (or right)"))
    why = _prompt_answer(_("why"))
    root_causes = ChoiceListField(_("root causes"), item_choices=RootCause.choices)
    lesson = _prompt_answer(_("the lesson"))
    do_differently = _prompt_answer(_("what I would do differently"))
    # the language the participant wrote in: the one they used the capture form in
    written_in = written_in_field()
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
    submitted_at = models.DateTimeField(_("shared for review"), null=True, blank=True)
    review_note = text_limits.PlainTextField(
        _("note to the author"),
        max_length=text_limits.REASON,
        blank=True,
        help_text=_("Shown to the author with the decision."),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
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

    @property
    def editable(self) -> bool:
        """The author edits it until an editor has decided."""
        return self.status in (DraftStatus.PRIVATE, DraftStatus.SUBMITTED)

    def root_cause_labels(self) -> list[str]:
        labels = dict(RootCause.choices)
        return [str(labels[key]) for key in self.root_causes or () if key in labels]
