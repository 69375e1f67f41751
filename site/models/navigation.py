"""Site settings editable in the admin: identity, footer and navigation."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from portal import text_limits
from portal.languages import language_field, translated_value


class LinkValue(blocks.StructValue):
    def reader_label(self) -> str:
        """The label in the reader's language. Where the editors gave none, the interface's
        own translation of the English label ("Cases" is "Tapausesimerkit" in Finnish), so a
        site whose navigation was made before the languages reads well at once; else the
        English label."""
        label = self["label"]
        return self.get(language_field("label")) or (gettext(label) if label else "")


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label (English)"), max_length=60)
    label_fi = blocks.CharBlock(label=_("Label in Finnish"), max_length=60, required=False)
    label_sv = blocks.CharBlock(label=_("Label in Swedish"), max_length=60, required=False)
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
        value_class = LinkValue


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    tagline = models.CharField(_("tagline (English)"), max_length=200, blank=True)
    tagline_fi = models.CharField(_("tagline in Finnish"), max_length=200, blank=True)
    tagline_sv = models.CharField(_("tagline in Swedish"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    footer_text = text_limits.PlainTextField(
        _("footer text (English)"),
        max_length=text_limits.INTRO,
        blank=True,
        help_text=_(
            "Shown in the footer of every page, e.g. who runs the portal and the content licence."
        ),
    )
    footer_text_fi = text_limits.PlainTextField(
        _("footer text in Finnish"), max_length=text_limits.INTRO, blank=True
    )
    footer_text_sv = text_limits.PlainTextField(
        _("footer text in Swedish"), max_length=text_limits.INTRO, blank=True
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("tagline"), FieldPanel("tagline_fi"), FieldPanel("tagline_sv")],
            heading=_("Tagline"),
        ),
        FieldPanel("contact_email"),
        MultiFieldPanel(
            [FieldPanel("footer_text"), FieldPanel("footer_text_fi"), FieldPanel("footer_text_sv")],
            heading=_("Footer text"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")

    @property
    def reader_tagline(self) -> str:
        """The tagline in the reader's language (the English one where it has none)."""
        return translated_value(self, "tagline")

    @property
    def reader_footer_text(self) -> str:
        return translated_value(self, "footer_text")


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    header_links = StreamField([("link", LinkBlock())], blank=True, verbose_name=_("header links"))
    footer_links = StreamField([("link", LinkBlock())], blank=True, verbose_name=_("footer links"))

    panels = [FieldPanel("header_links"), FieldPanel("footer_links")]

    class Meta:
        verbose_name = _("navigation")
