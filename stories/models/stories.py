"""Story pages: what a team tried, what happened, why, and what they learned.

A slip-up is a structured record, not only a narrative: its kind and blameless root causes are
facets of the knowledge index. The author chooses the disclosure (`Disclosure`): an anonymised
story names no author anywhere it can be read (page, listings, search, feeds, metadata).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from portal.blocks import BaseStreamBlock
from stories.vocabularies import Disclosure, RootCause, StoryKind
from toolkit.fields import ChoiceListField

# What the narrative fields may hold: paragraphs, emphasis, lists and links.
STORY_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class StoryIndexPage(RoutablePageMixin, Page):
    """The stories: a faceted listing (through the knowledge index), the Atom feed and the share
    form live on routes of this page; the workshops are its child `WorkshopIndexPage`."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["stories.StoryPage", "stories.WorkshopIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("stories")


class StoryPage(Page):
    """One Courage to Experiment story."""

    kind = models.CharField(_("kind of story"), max_length=20, choices=StoryKind.choices)
    summary = models.TextField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("Plain text, about 300 characters: shown on cards and in search results."),
    )
    # disclosure: the author's choice, with explicit consent
    author = models.ForeignKey(
        "network.Member",
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
    )
    disclosure = models.CharField(
        _("who may read it"),
        max_length=20,
        choices=Disclosure.choices,
        default=Disclosure.PUBLIC_NAMED,
    )
    disclosure_consent = models.BooleanField(
        _("the author agrees to publish it this way"), default=False
    )
    # the experiment's context
    country = models.ForeignKey(
        "portal.Country",
        verbose_name=_("country"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
    )
    municipality = models.CharField(_("municipality or region"), max_length=120, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="EUR")
    methods = ParentalManyToManyField(
        "portal.Method", blank=True, related_name="stories", verbose_name=_("methods")
    )
    themes = ParentalManyToManyField(
        "portal.Theme", blank=True, related_name="stories", verbose_name=_("themes")
    )
    # the story
    what_we_tried = RichTextField(_("what we tried"), features=STORY_TEXT_FEATURES, blank=True)
    what_happened = RichTextField(_("what happened"), features=STORY_TEXT_FEATURES, blank=True)
    root_causes = ChoiceListField(_("root causes"), item_choices=RootCause.choices)
    why = RichTextField(_("why it went this way"), features=STORY_TEXT_FEATURES, blank=True)
    what_we_learned = RichTextField(_("what we learned"), features=STORY_TEXT_FEATURES, blank=True)
    do_differently = RichTextField(
        _("what we would do differently"), features=STORY_TEXT_FEATURES, blank=True
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("more"))
    # links
    cases = ParentalManyToManyField(
        "cases.CasePage", blank=True, related_name="stories", verbose_name=_("linked cases")
    )
    tools = ParentalManyToManyField(
        "toolkit.ResourcePage",
        blank=True,
        related_name="stories",
        verbose_name=_("tools used"),
    )
    processes = ParentalManyToManyField(
        "budgeting.Process",
        blank=True,
        related_name="stories",
        verbose_name=_("participatory budgeting processes"),
    )
    workshop = models.ForeignKey(
        "stories.WorkshopPage",
        verbose_name=_("told in workshop"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
    )
    # source and licence (imported stories)
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_id = models.CharField(
        _("source identifier"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("The record's id at its source: imports match on it."),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    licence_url = models.URLField(_("licence address"), max_length=300, blank=True)

    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    @property
    def is_anonymous(self) -> bool:
        return self.disclosure == Disclosure.PUBLIC_ANONYMOUS

    @property
    def members_only(self) -> bool:
        return self.disclosure == Disclosure.MEMBERS

    @property
    def shown_author(self):
        """The author to name to readers: None when anonymised (or unknown). Every template,
        feed, export and search document names the author through this, never `author`."""
        if self.is_anonymous:
            return None
        return self.author
