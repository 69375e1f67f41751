"""Site settings editable in the admin: identity, footer and navigation."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from portal import text_limits


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Or a path or web address"),
        required=False,
        max_length=300,
        help_text=_("For pages outside the page tree, e.g. /search/."),
    )

    class Meta:
        icon = "link"
        template = "components/nav_link.html"


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    footer_text = text_limits.PlainTextField(
        _("footer text"),
        max_length=text_limits.INTRO,
        blank=True,
        help_text=_(
            "Shown in the footer of every page, e.g. who runs the portal and the content licence."
        ),
    )

    panels = [FieldPanel("tagline"), FieldPanel("contact_email"), FieldPanel("footer_text")]

    class Meta:
        verbose_name = _("site settings")


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    header_links = StreamField([("link", LinkBlock())], blank=True, verbose_name=_("header links"))
    footer_links = StreamField([("link", LinkBlock())], blank=True, verbose_name=_("footer links"))

    panels = [FieldPanel("header_links"), FieldPanel("footer_links")]

    class Meta:
        verbose_name = _("navigation")
