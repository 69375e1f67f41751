"""Label providers: the names people read for the vocabulary keys that search facets hold.

Registered with `search.registry` from `PortalConfig.ready()`. Each provider answers one batch of
keys with one query, so a facet of fifty values costs one query, not fifty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from django.utils.translation import gettext_lazy as _

from portal.languages import language_field
from portal.locale_names import country_name
from portal.models.taxonomy import SDG, VOCABULARIES, VocabularyTerm
from portal.vocabularies import vocabulary_entries

# Story outcomes are a fixed choice, not an editable vocabulary.
OUTCOMES = {
    "success": _("Success"),
    "slip-up": _("Slip-up"),
    "unfinished": _("Unfinished"),
}

LabelProvider = Callable[[Iterable[str]], dict[str, str]]


def term_labels(model: type[VocabularyTerm]) -> LabelProvider:
    """A provider naming the keys of `model` by the terms' current names."""

    def labels(keys: Iterable[str]) -> dict[str, str]:
        column = language_field("name")
        rows = model.objects.filter(key__in=list(keys)).values_list("key", column, "name")
        return {key: label or name for key, label, name in rows}

    return labels


def country_labels(keys: Iterable[str]) -> dict[str, str]:
    """Countries by their CLDR name in the reader's language (no query); keys that are not in
    the country vocabulary's ISO 3166-1 list get none."""
    return {key: country_name(key) for key in keys if key in country_keys()}


@cache
def country_keys() -> frozenset[str]:
    return frozenset(entry["key"] for entry in vocabulary_entries("countries"))


def sdg_labels(keys: Iterable[str]) -> dict[str, str]:
    """SDGs read best with their number: "3. Good health and well-being"."""
    column = language_field("name")
    rows = SDG.objects.filter(key__in=list(keys)).values_list("key", "number", column, "name")
    return {key: f"{number}. {label or name}" for key, number, label, name in rows}


def outcome_labels(keys: Iterable[str]) -> dict[str, str]:
    return {key: str(OUTCOMES[key]) for key in keys if key in OUTCOMES}


def label_providers() -> dict[str, LabelProvider]:
    """Every vocabulary the search facets name, with its provider."""
    providers: dict[str, LabelProvider] = {
        name: term_labels(model) for name, model in VOCABULARIES.items()
    }
    providers["sdgs"] = sdg_labels
    providers["countries"] = country_labels
    providers["outcomes"] = outcome_labels
    return providers


def register_label_providers() -> None:
    from search.registry import register_labels

    for vocabulary, provider in label_providers().items():
        register_labels(vocabulary, provider)
