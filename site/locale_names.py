"""Names and amounts in the reader's language, from CLDR through Babel (never typed by hand).

Django's language codes map to the CLDR locales that Finnish readers expect: Swedish as written
in Finland (`sv_FI`) and British English for the international audience (`en_GB`).
"""

from __future__ import annotations

from copy import copy
from decimal import Decimal, InvalidOperation
from functools import cache

from django.utils import translation

from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency

CLDR_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}


@cache
def cldr_locale(language: str | None) -> Locale:
    """The CLDR locale for a Django language code (English when it is unknown)."""
    code = CLDR_LOCALES.get((language or "en").split("-")[0], "en_GB")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):  # pragma: no cover - Babel ships these locales
        return Locale.parse("en_GB")


def country_name(code: str, language: str | None = None) -> str:
    """A country's name in `language` (the active one by default); the code if CLDR lacks it."""
    locale = cldr_locale(language or translation.get_language())
    return locale.territories.get((code or "").upper(), code)


def language_name(code: str, language: str | None = None) -> str:
    """A language's name (`fi`, `sv`, `en`, `de`...) in `language`, as CLDR writes it."""
    locale = cldr_locale(language or translation.get_language())
    return locale.languages.get((code or "").split("-")[0], code)


def money_text(amount, currency: str = "EUR", language: str | None = None) -> str:
    """`amount` in `currency` as the language writes money; whole amounts without cents."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        return "" if amount is None else str(amount)
    locale = cldr_locale(language or translation.get_language())
    pattern = copy(locale.currency_formats["standard"])
    whole = value == value.to_integral_value()
    pattern.frac_prec = (0, 0) if whole else (2, 2)
    code = (currency or "EUR").upper()
    if is_currency(code):
        return pattern.apply(value, locale, currency=code, currency_digits=False)
    # points, hours or another unit that is not an ISO 4217 currency: the number, then the unit
    number = copy(locale.decimal_formats[None])
    number.frac_prec = pattern.frac_prec
    return f"{number.apply(value, locale)}\N{NO-BREAK SPACE}{currency}"
