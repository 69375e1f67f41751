"""What a case study holds several of: links, files, images, success criteria, lineage."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from cases.models.choices import LINEAGE_INVERSE_LABELS, ExperimentOutcome, LineageRelation
from portal import text_limits


class CaseLink(Orderable):
    page = ParentalKey("cases.CasePage", on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=255)
    url = models.URLField(_("address"), max_length=500)

    panels = [FieldPanel("title"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.title


class CaseAttachment(Orderable):
    page = ParentalKey("cases.CasePage", on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name=_("file")
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")


class CaseImage(Orderable):
    page = ParentalKey("cases.CasePage", on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption"), FieldPanel("credit")]

    class Meta(Orderable.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class SuccessCriterion(Orderable):
    """A criterion declared before the experiment started, and later its measured result."""

    page = ParentalKey("cases.CasePage", on_delete=models.CASCADE, related_name="criteria")
    indicator = models.CharField(_("indicator"), max_length=500)
    baseline = models.CharField(_("baseline"), max_length=255, blank=True)
    target = models.CharField(_("target"), max_length=255, blank=True)
    result = text_limits.PlainTextField(
        _("measured result"), max_length=text_limits.EDITORIAL, blank=True
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=ExperimentOutcome.choices,
        blank=True,
        help_text=_("Leave empty until the result has been measured."),
    )

    panels = [
        FieldPanel("indicator"),
        FieldPanel("baseline"),
        FieldPanel("target"),
        FieldPanel("result"),
        FieldPanel("outcome"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("success criterion")
        verbose_name_plural = _("success criteria")

    def __str__(self) -> str:
        return self.indicator


class CaseLineage(Orderable):
    """“This case was adapted from / inspired by / scaled up from that one”, with what changed."""

    page = ParentalKey("cases.CasePage", on_delete=models.CASCADE, related_name="lineage")
    relation = models.CharField(
        _("relation"),
        max_length=20,
        choices=LineageRelation.choices,
        default=LineageRelation.ADAPTED_FROM,
    )
    earlier_case = models.ForeignKey(
        "cases.CasePage",
        on_delete=models.CASCADE,
        related_name="lineage_later",
        verbose_name=_("earlier case"),
    )
    note = models.CharField(
        _("what changed"),
        max_length=500,
        blank=True,
        help_text=_("What changed in the new setting, in a sentence or two."),
    )

    panels = [FieldPanel("relation"), FieldPanel("earlier_case"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("lineage link")
        verbose_name_plural = _("lineage links")

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.earlier_case_id}"

    @property
    def inverse_label(self) -> str:
        """The relation read from the earlier case: “Adapted into”."""
        return str(LINEAGE_INVERSE_LABELS[LineageRelation(self.relation)])
