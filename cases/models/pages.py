"""The case library and its case studies."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cases.models.choices import Assignment, CaseStatus, ControlGroup, ExperimentOutcome
from portal import text_limits
from portal.blocks import RICH_TEXT_FEATURES, BaseStreamBlock
from portal.models.mixins import ReaderLanguagePageMixin

CASES_PER_PAGE = 20

# The OPSI narrative sections, in reading order: (field name, heading).
NARRATIVE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("problem", _("The problem")),
    ("innovation", _("The innovation")),
    ("novelty", _("What is novel")),
    ("collaboration", _("Collaboration and partners")),
    ("users", _("Users and beneficiaries")),
    ("results", _("Results and impact")),
    ("challenges", _("Challenges and failures")),
    ("conditions", _("Conditions for success")),
    ("replication", _("Replication")),
    ("lessons", _("Lessons learned")),
)


class CaseIndexPage(ReaderLanguagePageMixin, RoutablePageMixin, Page):
    """The case library: a faceted listing through the knowledge index, a comparison of up to
    three cases and the codebook of the open-data exports. The exports themselves
    (`<library>/export.csv`, `.json`) are served by cases.urls: Wagtail's page URLs cannot end
    in a file name."""

    intro = text_limits.PlainTextField(_("introduction"), max_length=text_limits.INTRO, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["cases.CasePage"]
    max_count = 1

    class Meta:
        verbose_name = _("case library")

    @path("")
    def library(self, request):
        from cases.views import library_page

        return library_page(request, self)

    @path("compare/")
    def compare(self, request):
        from cases.views import compare_page

        return compare_page(request, self)

    @path("compare/download/")
    def compare_download(self, request):
        from cases.views import compare_download

        return compare_download(request, self)

    @path("codebook/")
    def codebook(self, request):
        from cases.views import codebook_page

        return codebook_page(request, self)


def _rich_text(label) -> text_limits.LimitedRichTextField:
    return text_limits.LimitedRichTextField(
        label, max_length=text_limits.EDITORIAL, blank=True, features=RICH_TEXT_FEATURES
    )


class CasePage(ReaderLanguagePageMixin, Page):
    """One case study (OPSI's fields and narrative), optionally with an experiment card."""

    summary = text_limits.PlainTextField(
        _("summary"),
        max_length=text_limits.SUMMARY,
        blank=True,
        help_text=_("Plain text, about 300 characters: shown on cards and in search results."),
    )
    # facts
    year_launched = models.PositiveSmallIntegerField(
        _("year launched"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, blank=True)
    countries = ParentalManyToManyField(
        "portal.Country", blank=True, related_name="cases", verbose_name=_("countries")
    )
    government_levels = ParentalManyToManyField(
        "portal.GovernmentLevel",
        blank=True,
        related_name="cases",
        verbose_name=_("levels of government"),
    )
    organisations = text_limits.PlainTextField(
        _("organisations involved"),
        max_length=text_limits.EDITORIAL,
        blank=True,
        help_text=_("One organisation per line."),
    )
    innovation_types = ParentalManyToManyField(
        "portal.InnovationType",
        blank=True,
        related_name="cases",
        verbose_name=_("innovation facets"),
    )
    stages = ParentalManyToManyField(
        "portal.Stage", blank=True, related_name="cases", verbose_name=_("lifecycle stages")
    )
    themes = ParentalManyToManyField(
        "portal.Theme", blank=True, related_name="cases", verbose_name=_("themes")
    )
    methods = ParentalManyToManyField(
        "portal.Method", blank=True, related_name="cases", verbose_name=_("methods")
    )
    sdgs = ParentalManyToManyField(
        "portal.SDG",
        blank=True,
        related_name="cases",
        verbose_name=_("sustainable development goals"),
    )
    tools = ParentalManyToManyField(
        "toolkit.ResourcePage",
        blank=True,
        related_name="used_in_cases",
        verbose_name=_("tools and resources used"),
    )
    # narrative (OPSI sections); `body` holds whatever does not fit them
    problem = _rich_text(_("the problem"))
    innovation = _rich_text(_("the innovation"))
    novelty = _rich_text(_("what is novel"))
    collaboration = _rich_text(_("collaboration and partners"))
    users = _rich_text(_("users and beneficiaries"))
    results = _rich_text(_("results and impact"))
    challenges = _rich_text(_("challenges and failures"))
    conditions = _rich_text(_("conditions for success"))
    replication = _rich_text(_("replication"))
    lessons = _rich_text(_("lessons learned"))
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("more about the case"))
    # experiment card
    is_experiment = models.BooleanField(
        _("this case is an experiment"),
        default=False,
        help_text=_("Shows the experiment card: learning question, hypothesis, design, outcome."),
    )
    learning_question = text_limits.PlainTextField(
        _("learning question"), max_length=text_limits.EDITORIAL, blank=True
    )
    hypothesis = text_limits.PlainTextField(
        _("hypothesis"), max_length=text_limits.EDITORIAL, blank=True, help_text=_("If …, then …")
    )
    control_group = models.CharField(
        _("control group"), max_length=20, choices=ControlGroup.choices, blank=True
    )
    assignment = models.CharField(
        _("assignment"), max_length=20, choices=Assignment.choices, blank=True
    )
    sample_size = models.CharField(_("sample size"), max_length=100, blank=True)
    cost = models.CharField(_("cost"), max_length=100, blank=True)
    duration = models.CharField(_("duration"), max_length=100, blank=True)
    hypothesis_outcome = models.CharField(
        _("did the hypothesis hold?"),
        max_length=20,
        choices=ExperimentOutcome.choices,
        blank=True,
        help_text=_("The overall verdict; leave empty while the experiment runs."),
    )
    hypothesis_result = text_limits.PlainTextField(
        _("what the results said"), max_length=text_limits.EDITORIAL, blank=True
    )
    contact = models.ForeignKey(
        "network.Member",
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_for_cases",
        help_text=_("A network member practitioners can ask about this case."),
    )
    # source and licence
    source_name = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the text comes from when it is not original, e.g. “Participedia”."),
    )
    source_id = models.CharField(
        _("source identifier"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("The record's id at its source, e.g. “participedia:1”: imports match on it."),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    licence = models.CharField(
        _("licence"), max_length=100, blank=True, help_text=_("e.g. “CC BY-SA 4.0”.")
    )
    licence_url = models.URLField(_("licence address"), max_length=300, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("year_launched"),
                FieldPanel("status"),
                FieldPanel("countries"),
                FieldPanel("government_levels", widget=forms.CheckboxSelectMultiple),
                FieldPanel("organisations"),
                FieldPanel("innovation_types", widget=forms.CheckboxSelectMultiple),
                FieldPanel("stages", widget=forms.CheckboxSelectMultiple),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("methods", widget=forms.CheckboxSelectMultiple),
                FieldPanel("sdgs", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tools"),
            ],
            heading=_("Facts"),
        ),
        MultiFieldPanel(
            [FieldPanel(name) for name, _heading in NARRATIVE_SECTIONS],
            heading=_("Narrative"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("is_experiment"),
                FieldPanel("learning_question"),
                FieldPanel("hypothesis"),
                FieldPanel("control_group"),
                FieldPanel("assignment"),
                FieldPanel("sample_size"),
                FieldPanel("cost"),
                FieldPanel("duration"),
                FieldPanel("hypothesis_outcome"),
                FieldPanel("hypothesis_result"),
            ],
            heading=_("Experiment card"),
        ),
        InlinePanel("criteria", label=_("Success criteria")),
        InlinePanel("lineage", label=_("Lineage")),
        InlinePanel("links", label=_("Links")),
        InlinePanel("attachments", label=_("Attached files")),
        InlinePanel("images", label=_("Images")),
        FieldPanel("contact"),
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
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("year_launched"),
    ]
    parent_page_types = ["cases.CaseIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def get_context(self, request, *args, **kwargs):
        from cases.selectors import case_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(case_page_context(page=self))
        return context

    def organisation_list(self) -> list[str]:
        return [line.strip() for line in self.organisations.splitlines() if line.strip()]

    def narrative(self) -> list[tuple[str, str, str]]:
        """The narrative sections that have text: (field name, heading, HTML)."""
        return [
            (name, str(heading), getattr(self, name))
            for name, heading in NARRATIVE_SECTIONS
            if getattr(self, name)
        ]
