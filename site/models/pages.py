"""Site-wide pages: the home page and standard content pages."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal import text_limits
from portal.blocks import BaseStreamBlock
from portal.models.mixins import ReaderLanguagePageMixin


class HomePage(ReaderLanguagePageMixin, Page):
    """The portal's front page: what it holds, what is new and what comes next."""

    intro = text_limits.PlainTextField(
        _("introduction"),
        max_length=text_limits.INTRO,
        blank=True,
        help_text=_("One or two sentences under the site name that say what the portal is for."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.StandardPage", "cases.CaseIndexPage", "toolkit.ToolkitIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from portal.selectors import home_overview

        context = super().get_context(request, *args, **kwargs)
        context["overview"] = home_overview()
        return context


class StandardPage(ReaderLanguagePageMixin, Page):
    """A content page (about, guidance, licences) with the shared StreamField body."""

    intro = text_limits.PlainTextField(_("introduction"), max_length=text_limits.INTRO, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
