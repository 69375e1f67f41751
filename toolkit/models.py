"""The Toolkit Navigator's resources: methods, guides and toolkits for public innovators."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import BaseStreamBlock
from portal.models.mixins import PaginatedListingMixin

RESOURCES_PER_PAGE = 48


class ResourceFormat(models.TextChoices):
    METHOD = "method", _("Method")
    GUIDE = "guide", _("Guide")
    TOOLKIT = "toolkit", _("Toolkit")
    TEMPLATE = "template", _("Template or canvas")
    COURSE = "course", _("Course")
    REPORT = "report", _("Report")


class ToolkitIndexPage(PaginatedListingMixin, Page):
    """The toolkit: every live resource under it, by title."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["toolkit.ResourcePage"]
    max_count = 1
    per_page = RESOURCES_PER_PAGE
    listing_context_name = "resources"

    class Meta:
        verbose_name = _("toolkit")

    def get_listing(self) -> models.QuerySet:
        """Live, public resources under this page, by title, with their card facts."""
        return (
            ResourcePage.objects.child_of(self)
            .live()
            .public()
            .order_by("title", "pk")
            .prefetch_related("methods", "stages")
        )


class ResourcePage(Page):
    """One resource of the toolkit: what it is for, who publishes it and where to get it."""

    summary = models.TextField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("Plain text, about 300 characters: shown on cards and in search results."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    link = models.URLField(
        _("link"), max_length=500, blank=True, help_text=_("Where to find the resource itself.")
    )
    format = models.CharField(
        _("format"), max_length=20, choices=ResourceFormat.choices, blank=True
    )
    time_required = models.CharField(
        _("time required"), max_length=200, blank=True, help_text=_("e.g. “1–2 hours”.")
    )
    methods = ParentalManyToManyField(
        "portal.Method", blank=True, related_name="resources", verbose_name=_("methods")
    )
    stages = ParentalManyToManyField(
        "portal.Stage", blank=True, related_name="resources", verbose_name=_("lifecycle stages")
    )
    source_name = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the text comes from when it is not original, e.g. “18F Methods”."),
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
                FieldPanel("publisher"),
                FieldPanel("link"),
                FieldPanel("format"),
                FieldPanel("time_required"),
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
        index.SearchField("publisher"),
        index.FilterField("format"),
    ]
    parent_page_types = ["toolkit.ToolkitIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
