"""Story pages: what a team tried, what happened, why, and what they learned.

A slip-up is a structured record, not only a narrative: its kind and blameless root causes are
facets of the knowledge index. The author chooses the disclosure (`Disclosure`): an anonymised
story names no author anywhere it can be read (page, listings, search, feeds, metadata).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, MultipleChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page

from portal import text_limits
from portal.blocks import BaseStreamBlock
from portal.languages import written_in_field
from portal.models.mixins import ReaderLanguagePageMixin
from stories.models.story_editor import StoryPageForm
from stories.vocabularies import DEFAULT_DISCLOSURE, Disclosure, RootCause, StoryKind
from toolkit.fields import ChoiceListField

# What the narrative fields may hold: paragraphs, emphasis, lists and links.
STORY_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]
STORIES_PER_PAGE = 20
# The narrative sections, in reading order: (field name, heading).
NARRATIVE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("what_we_tried", _("What we tried")),
    ("what_happened", _("What happened")),
    ("why", _("Why it went this way")),
    ("what_we_learned", _("What we learned")),
    ("do_differently", _("What we would do differently")),
)


@register_setting(icon="doc-full")
class StorySettings(BaseSiteSetting):
    """How stories go live on a site: directly, or after an editor's approval."""

    review_required = models.BooleanField(
        _("an editor reviews stories before they go live"),
        default=False,
        help_text=_(
            "When on, ambassadors submit their stories for moderation and a network editor "
            "(the “Story reviewers” group) or a member of “Moderators” approves them; when "
            "off, ambassadors publish their own stories."
        ),
    )

    panels = [FieldPanel("review_required")]

    class Meta:
        verbose_name = _("story publishing")

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # the workflow follows the switch (a setting saved in the admin has no service call)
        from stories.services.stories import story_review_workflow_sync

        story_review_workflow_sync(site=self.site, review_required=self.review_required)


class StoryCase(Orderable):
    """A case a story links to, in the order the editor chose."""

    story = ParentalKey("stories.StoryPage", on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(
        "cases.CasePage",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="story_case_links",
    )

    panels = [FieldPanel("case")]

    class Meta(Orderable.Meta):
        verbose_name = _("linked case")
        verbose_name_plural = _("linked cases")
        constraints = [
            models.UniqueConstraint(fields=["story", "case"], name="stories_storycase_unique")
        ]

    def __str__(self) -> str:
        return str(self.case)


class StoryTool(Orderable):
    """A toolkit resource a story used, in the order the editor chose."""

    story = ParentalKey("stories.StoryPage", on_delete=models.CASCADE, related_name="tool_links")
    tool = models.ForeignKey(
        "toolkit.ResourcePage",
        verbose_name=_("tool"),
        on_delete=models.CASCADE,
        related_name="story_tool_links",
    )

    panels = [FieldPanel("tool")]

    class Meta(Orderable.Meta):
        verbose_name = _("tool used")
        verbose_name_plural = _("tools used")
        constraints = [
            models.UniqueConstraint(fields=["story", "tool"], name="stories_storytool_unique")
        ]

    def __str__(self) -> str:
        return str(self.tool)


# (old key in revision JSON, child relation, foreign key of the link)
_LEGACY_LINKS = (("cases", "case_links", "case"), ("tools", "tool_links", "tool"))


def story_links_upgrade(data: dict) -> dict:
    """Revision JSON of a story with its links as ordered link rows: revisions saved before
    cases and tools were chosen in order hold lists of ids under "cases" and "tools"."""
    if not any(old in data for old, _relation, _fk in _LEGACY_LINKS):
        return data
    data = dict(data)
    for old, relation, fk in _LEGACY_LINKS:
        ids = data.pop(old, None) or []
        if relation not in data:
            data[relation] = [
                {"pk": None, "story": data.get("pk"), fk: pk, "sort_order": order}
                for order, pk in enumerate(ids)
            ]
    return data


class StoryIndexPage(ReaderLanguagePageMixin, RoutablePageMixin, Page):
    """The stories: a faceted listing (through the knowledge index), the Atom feed and the share
    form live on routes of this page; the workshops are its child `WorkshopIndexPage`."""

    intro = text_limits.PlainTextField(_("introduction"), max_length=text_limits.INTRO, blank=True)

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["stories.StoryPage", "stories.WorkshopIndexPage"]
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("stories")

    def permissions_for_user(self, user):
        from stories.permissions import StoryPermissionTester

        return StoryPermissionTester(user, self)

    @path("")
    def listing(self, request):
        """Every story the visitor may read, filtered by the facets in the URL."""
        from stories.views.stories import story_listing

        return story_listing(request, self)

    @path("feed/", name="feed")
    def feed(self, request):
        """The Atom feed of public stories, newest first."""
        from stories.feeds import StoryFeed

        return StoryFeed(index=self)(request)

    @path("consent/<int:story_id>/", name="consent")
    def consent(self, request, story_id: int):
        """Where a member agrees to publish a story someone wrote with them as author."""
        from stories.views.stories import story_consent

        return story_consent(request, self, story_id)

    @path("share/", name="share")
    def share(self, request):
        """The form where signed-in members share a story for an editor to review."""
        from stories.views.stories import story_share

        return story_share(request, self)


def _story_text(label) -> text_limits.LimitedRichTextField:
    # editors and importers write these (the share form takes at most STORY_PART each)
    return text_limits.LimitedRichTextField(
        label, max_length=text_limits.EDITORIAL, features=STORY_TEXT_FEATURES, blank=True
    )


class StoryPage(ReaderLanguagePageMixin, Page):
    """One Courage to Experiment story."""

    # The ordered links (`StoryCase`, `StoryTool`): modelcluster's reverse relations, which
    # read like managers and take a list (`set_links`). modelcluster has no type information.
    case_links: Any
    tool_links: Any

    kind = models.CharField(_("kind of story"), max_length=20, choices=StoryKind.choices)
    summary = text_limits.PlainTextField(
        _("summary"),
        max_length=text_limits.SUMMARY,
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
        default=DEFAULT_DISCLOSURE,
    )
    disclosure_consent = models.BooleanField(
        _("the author agrees to publish it this way"), default=False
    )
    # The language a member wrote the story in (the share form); blank: its locale's. A
    # translation is written in its own locale's language, so the field is not editable (which
    # keeps wagtail-localize from copying it onto translations when it syncs them) and is left
    # out of `copy_for_translation`.
    written_in = written_in_field()
    written_in.editable = False
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
    what_we_tried = _story_text(_("what we tried"))
    what_happened = _story_text(_("what happened"))
    root_causes = ChoiceListField(_("root causes"), item_choices=RootCause.choices)
    why = _story_text(_("why it went this way"))
    what_we_learned = _story_text(_("what we learned"))
    do_differently = _story_text(_("what we would do differently"))
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("more"))
    # links: editors choose cases and tools in order (`case_links`, `tool_links`, edited
    # with page choosers); these read the same rows as plain relations, so that
    # `story.cases`, `case.stories` and lookups such as `cases__in` keep working
    cases = models.ManyToManyField(
        "cases.CasePage",
        through="stories.StoryCase",
        blank=True,
        related_name="stories",
        verbose_name=_("linked cases"),
    )
    tools = models.ManyToManyField(
        "toolkit.ResourcePage",
        through="stories.StoryTool",
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

    content_panels = Page.content_panels + [
        FieldPanel("kind", widget=forms.RadioSelect),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("author"),
                FieldPanel("disclosure", widget=forms.RadioSelect),
                FieldPanel("disclosure_consent"),
            ],
            heading=_("Author and disclosure"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("country"),
                FieldPanel("municipality"),
                FieldPanel("started_on"),
                FieldPanel("ended_on"),
                FieldPanel("budget"),
                FieldPanel("currency"),
                FieldPanel("methods", widget=forms.CheckboxSelectMultiple),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("The experiment"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("what_we_tried"),
                FieldPanel("what_happened"),
                FieldPanel("root_causes"),
                FieldPanel("why"),
                FieldPanel("what_we_learned"),
                FieldPanel("do_differently"),
            ],
            heading=_("The story"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                MultipleChooserPanel(
                    "case_links",
                    chooser_field_name="case",
                    heading=_("Linked cases"),
                    label=_("Case"),
                ),
                MultipleChooserPanel(
                    "tool_links",
                    chooser_field_name="tool",
                    heading=_("Tools used"),
                    label=_("Tool"),
                ),
                FieldPanel("processes"),
                FieldPanel("workshop"),
            ],
            heading=_("Links"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("source_name"),
                FieldPanel("source_id"),
                FieldPanel("source_url"),
                FieldPanel("licence"),
                FieldPanel("licence_url"),
            ],
            heading=_("Source and licence"),
        ),
    ]
    base_form_class = StoryPageForm
    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    @classmethod
    def from_serializable_data(cls, data, check_fks=True, strict_fks=False):
        # revisions saved before the links became ordered hold "cases": [ids]
        return super().from_serializable_data(
            story_links_upgrade(data), check_fks=check_fks, strict_fks=strict_fks
        )

    def copy_for_translation(self, locale, copy_parents=False, alias=False, exclude_fields=None):
        # a translation is in its locale's language; an alias shows the original's text
        if not alias:
            exclude_fields = [*(exclude_fields or ()), "written_in"]
        return super().copy_for_translation(
            locale, copy_parents=copy_parents, alias=alias, exclude_fields=exclude_fields
        )

    def clean(self) -> None:
        super().clean()
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end cannot be before the start.")})

    def get_context(self, request, *args, **kwargs):
        from stories.selectors import story_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(story_page_context(page=self, user=request.user))
        return context

    def serve(self, request, *args, **kwargs):
        from stories.permissions import story_can_read

        if not story_can_read(request.user, self):
            from stories.views.stories import story_members_only

            return story_members_only(request, self)
        return super().serve(request, *args, **kwargs)

    def permissions_for_user(self, user):
        from stories.permissions import StoryPermissionTester

        return StoryPermissionTester(user, self)

    def set_links(self, *, cases: Iterable | None = None, tools: Iterable | None = None) -> None:
        """Link these case pages and toolkit resources, in this order (a repeat counts once),
        replacing the links of that kind; None leaves them as they are. Saved with the page."""
        if cases is not None:
            self.case_links = [
                StoryCase(case=case, sort_order=order)
                for order, case in enumerate(dict.fromkeys(cases))
            ]
        if tools is not None:
            self.tool_links = [
                StoryTool(tool=tool, sort_order=order)
                for order, tool in enumerate(dict.fromkeys(tools))
            ]

    def narrative(self) -> list[tuple[str, str, str]]:
        """The narrative sections that have text: (field name, heading, HTML)."""
        return [
            (name, str(heading), getattr(self, name))
            for name, heading in NARRATIVE_SECTIONS
            if getattr(self, name)
        ]

    def root_cause_labels(self) -> list[str]:
        labels = dict(RootCause.choices)
        return [str(labels[key]) for key in self.root_causes or () if key in labels]

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
