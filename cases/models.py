"""Case studies: what a public organisation tried, where, when and how it went."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import BaseStreamBlock
from portal.models.mixins import PaginatedListingMixin

CASES_PER_PAGE = 24


class CaseIndexPage(PaginatedListingMixin, Page):
    """The case library: every live case study under it, newest first."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["cases.CasePage"]
    max_count = 1
    per_page = CASES_PER_PAGE
    listing_context_name = "cases"

    class Meta:
        verbose_name = _("case library")

    def get_listing(self) -> models.QuerySet:
        """Live, public case studies under this page, newest first, with their card facts."""
        return (
            CasePage.objects.child_of(self)
            .live()
            .public()
            .order_by("-first_published_at", "-pk")
            .prefetch_related("countries", "themes")
        )


class CasePage(Page):
    """One case study, with the facts the library and the knowledge index facet on."""

    summary = models.TextField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("Plain text, about 300 characters: shown on cards and in search results."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))
    year_launched = models.PositiveSmallIntegerField(
        _("year launched"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    countries = ParentalManyToManyField(
        "portal.Country", blank=True, related_name="cases", verbose_name=_("countries")
    )
    themes = ParentalManyToManyField(
        "portal.Theme", blank=True, related_name="cases", verbose_name=_("themes")
    )
    methods = ParentalManyToManyField(
        "portal.Method", blank=True, related_name="cases", verbose_name=_("methods")
    )
    stages = ParentalManyToManyField(
        "portal.Stage", blank=True, related_name="cases", verbose_name=_("lifecycle stages")
    )
    source_name = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the text comes from when it is not original, e.g. “Participedia”."),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    licence = models.CharField(
        _("licence"), max_length=100, blank=True, help_text=_("e.g. “CC BY-SA 4.0”.")
    )
    licence_url = models.URLField(_("licence address"), max_length=300, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("year_launched"),
                FieldPanel("countries"),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("methods", widget=forms.CheckboxSelectMultiple),
                FieldPanel("stages", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Facts"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("source_name"),
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
