"""Shared vocabularies: the terms every content area tags its objects with.

Each term has a stable `key` that URLs, search facets and imports use; the `name` is what people
read and editors may reword. The terms are seeded by migrations from `site/vocabularies/*.json`
and editable in the admin (Snippets > Vocabularies).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import text_limits
from portal.languages import translated_value
from portal.locale_names import country_name


class VocabularyTerm(models.Model):
    key = models.SlugField(
        _("key"),
        max_length=80,
        unique=True,
        help_text=_(
            "Stable identifier used in URLs, search facets and imports. Do not change it once used."
        ),
    )
    name = models.CharField(_("name (English)"), max_length=255)
    name_fi = models.CharField(_("name in Finnish"), max_length=255, blank=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=255, blank=True)
    description = text_limits.PlainTextField(
        _("description (English)"), max_length=text_limits.SUMMARY, blank=True
    )
    description_fi = text_limits.PlainTextField(
        _("description in Finnish"), max_length=text_limits.SUMMARY, blank=True
    )
    description_sv = text_limits.PlainTextField(
        _("description in Swedish"), max_length=text_limits.SUMMARY, blank=True
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The term's name in the reader's language (English where no translation is given)."""
        return translated_value(self, "name")

    @property
    def label_description(self) -> str:
        """The description in the reader's language (English where no translation is given)."""
        return translated_value(self, "description")


class Country(VocabularyTerm):
    """A country or territory of ISO 3166-1; `key` is the lower-case alpha-2 code.

    Readers see the name CLDR gives in their language (`label`); `name` is the English one that
    imports match against.
    """

    alpha3 = models.CharField(_("ISO alpha-3 code"), max_length=3, blank=True)

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]

    @property
    def label(self) -> str:
        return country_name(self.key) or self.name


class Theme(VocabularyTerm):
    """A policy area or theme (health, mobility, digital government...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class Method(VocabularyTerm):
    """A method or approach (behavioural insights, design thinking, randomised trial...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("method")
        verbose_name_plural = _("methods and approaches")


class Stage(VocabularyTerm):
    """A stage of the innovation lifecycle, in lifecycle order."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("lifecycle stage")
        verbose_name_plural = _("lifecycle stages")


class GovernmentLevel(VocabularyTerm):
    """A level of government (national, regional, local...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("level of government")
        verbose_name_plural = _("levels of government")


class InnovationType(VocabularyTerm):
    """One of OPSI's four innovation facets."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("innovation facet")
        verbose_name_plural = _("innovation facets")


class SDG(VocabularyTerm):
    """One of the 17 UN Sustainable Development Goals; `key` is `sdg-<number>`."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"


class OrganisationType(VocabularyTerm):
    """A kind of organisation (central government, municipality, NGO, university...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("organisation type")
        verbose_name_plural = _("organisation types")


VOCABULARIES: dict[str, type[VocabularyTerm]] = {
    "countries": Country,
    "themes": Theme,
    "methods": Method,
    "stages": Stage,
    "government_levels": GovernmentLevel,
    "innovation_types": InnovationType,
    "sdgs": SDG,
    "organisation_types": OrganisationType,
}
