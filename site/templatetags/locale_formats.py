"""Money and country names in the reader's language, from CLDR (Babel).

`{{ amount|money:process.currency }}` reads "1 234,50 €" in Finnish and Swedish and "€1,234.50" in
English; whole amounts drop their cents ("12 000 €"). Anything that is not a number or a
currency code is shown as it is, so a template never fails on an empty field.
"""

from django import template
from django.utils import translation

from portal import locale_names

register = template.Library()


@register.filter
def money(amount, currency: str = "EUR") -> str:
    """The amount with its currency, written as the active language writes money."""
    return locale_names.money_text(amount, currency)


@register.filter
def country_name(code: str) -> str:
    """The country or territory's name (ISO 3166-1 alpha-2 code) in the active language."""
    return locale_names.country_name(code, translation.get_language())


@register.filter
def language_name(code: str) -> str:
    """A language's name (`fi`, `sv`, `en`…) in the active language, as CLDR writes it."""
    return locale_names.language_name(code, translation.get_language())
