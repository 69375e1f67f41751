"""The Toolkit Navigator's resources: methods, guides and toolkits for public innovators."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal import text_limits
from portal.blocks import BaseStreamBlock
from portal.models.mixins import ReaderLanguagePageMixin
from toolkit.fields import ChoiceListField
from toolkit.vocabularies import (
    Audience,
    Cost,
    GroupSize,
    Openness,
    Purpose,
    ResourceFormat,
    SkillLevel,
    TimeNeeded,
    language_choices,
)

RESOURCES_PER_PAGE = 48

__all__ = [
    "RESOURCES_PER_PAGE",
    "ResourceBookmark",
    "ResourceFormat",
    "ResourcePage",
    "ToolkitIndexPage",
]


class ToolkitIndexPage(ReaderLanguagePageMixin, RoutablePageMixin, Page):
    """The toolkit: a faceted listing of its resources (through the knowledge index) and the
    navigator, which recommends resources from a few answers (`navigator/`)."""

    intro = text_limits.PlainTextField(_("introduction"), max_length=text_limits.INTRO, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["toolkit.ResourcePage"]
    max_count = 1

    class Meta:
        verbose_name = _("toolkit")

    @path("")
    def listing(self, request):
        """Every resource, filtered by the facets in the URL (GET), a page at a time."""
        from toolkit.views import toolkit_listing_context

        context, status = toolkit_listing_context(request, page=self)
        response = self.render(request, context_overrides=context)
        response.status_code = status
        return response

    @path("navigator/", name="navigator")
    def navigator(self, request):
        """The guided navigator: a few questions in a GET form, ranked recommendations."""
        from toolkit.views import navigator_context

        context, status = navigator_context(request, page=self)
        response = self.render(
            request, context_overrides=context, template="toolkit/navigator.html"
        )
        response.status_code = status
        return response


class ResourcePage(ReaderLanguagePageMixin, RoutablePageMixin, Page):
    """One resource of the toolkit: what it is for, who publishes it and where to get it.

    Members save it to their profile and mark that their team used it (POST routes below).
    """

    summary = text_limits.PlainTextField(
        _("summary"),
        max_length=text_limits.SUMMARY,
        blank=True,
        help_text=_("Plain text, about 300 characters: shown on cards and in search results."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    link = models.URLField(
        _("link"), max_length=500, blank=True, help_text=_("Where to find the resource itself.")
    )
    format = models.CharField(
        _("type of resource"), max_length=20, choices=ResourceFormat.choices, blank=True
    )
    purposes = ChoiceListField(_("good for"), item_choices=Purpose.choices)
    audiences = ChoiceListField(_("intended users"), item_choices=Audience.choices)
    skill_levels = ChoiceListField(
        _("skill level"),
        item_choices=SkillLevel.choices,
        help_text=_("The experience a team needs to use it well."),
    )
    time_needed = models.CharField(
        _("time needed"), max_length=20, choices=TimeNeeded.choices, blank=True
    )
    time_required = models.CharField(
        _("time required, in words"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “1–2 hours”, as the source says it."),
    )
    group_sizes = ChoiceListField(_("group size"), item_choices=GroupSize.choices)
    cost = models.CharField(_("cost"), max_length=10, choices=Cost.choices, blank=True)
    languages = ChoiceListField(
        _("languages"),
        item_choices=language_choices(),
        help_text=_("Languages the resource itself is available in."),
    )
    openness = ChoiceListField(
        _("openness"),
        item_choices=Openness.choices,
        help_text=_("OPSI's levels: free to reuse, licensed for remixing, editable source files."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("The year the resource was published."),
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
                FieldPanel("year"),
                FieldPanel("languages"),
                FieldPanel("methods", widget=forms.CheckboxSelectMultiple),
                FieldPanel("stages", widget=forms.CheckboxSelectMultiple),
                FieldPanel("purposes"),
                FieldPanel("audiences"),
            ],
            heading=_("Facts"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("skill_levels"),
                FieldPanel("time_needed"),
                FieldPanel("time_required"),
                FieldPanel("group_sizes"),
                FieldPanel("cost"),
            ],
            heading=_("What it asks of you"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("source_name"),
                FieldPanel("source_url"),
                FieldPanel("licence"),
                FieldPanel("licence_url"),
                FieldPanel("openness"),
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

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["used_in_cases"] = self.cases_that_used_it()
        context["facts"] = self.facts_named()
        context["used_count"] = self.bookmarks.filter(used=True).count()
        context["bookmark"] = _bookmark_of(request, self)
        return context

    @path("save/", name="save")
    def save_route(self, request):
        """POST: save this resource to the signed-in member's profile."""
        from toolkit.views import resource_bookmark_post

        return resource_bookmark_post(request, page=self, action="save")

    @path("unsave/", name="unsave")
    def unsave_route(self, request):
        """POST: remove it from the member's profile."""
        from toolkit.views import resource_bookmark_post

        return resource_bookmark_post(request, page=self, action="unsave")

    @path("used/", name="used")
    def used_route(self, request):
        """POST: mark that the member's team used it (counted on the page)."""
        from toolkit.views import resource_bookmark_post

        return resource_bookmark_post(request, page=self, action="used")

    @path("unused/", name="unused")
    def unused_route(self, request):
        """POST: take back the "we used it" mark."""
        from toolkit.views import resource_bookmark_post

        return resource_bookmark_post(request, page=self, action="unused")

    def facts_named(self) -> dict[str, list[str]]:
        """The list fields' display names, for the page."""
        return {
            name: [str(labels.get(key, key)) for key in getattr(self, name) or ()]
            for name in (
                "purposes",
                "audiences",
                "skill_levels",
                "group_sizes",
                "languages",
                "openness",
            )
            for labels in [dict(self._meta.get_field(name).item_choices)]
        }

    def cases_that_used_it(self) -> list[Page]:
        """Live, public case studies that link to this resource (`CasePage.tools`), by title."""
        return list(self.used_in_cases.live().public().order_by("title"))


class ResourceBookmark(models.Model):
    """A member's mark on a resource: saved to their profile, used by their team, or both.

    The row goes when neither is left. Who saved what is private to the member; the page
    shows only how many members used a resource.
    """

    member = models.ForeignKey(
        "network.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="resource_bookmarks",
    )
    resource = models.ForeignKey(
        ResourcePage,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="bookmarks",
    )
    saved = models.BooleanField(_("saved to profile"), default=False)
    used = models.BooleanField(_("we used it"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("saved resource")
        verbose_name_plural = _("saved resources")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "resource"], name="toolkit_bookmark_member_resource_unique"
            )
        ]
        indexes = [models.Index(fields=["resource", "used"])]

    def __str__(self) -> str:
        marks = [str(_("saved")) if self.saved else "", str(_("we used it")) if self.used else ""]
        return f"{self.resource.title} ({', '.join(m for m in marks if m)})"


def _bookmark_of(request, page: ResourcePage) -> ResourceBookmark | None:
    """The signed-in member's mark on `page`, if any (None for visitors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return ResourceBookmark.objects.filter(member__user=user, resource=page).first()
