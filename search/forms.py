"""The search form: URL parameters in, a validated `SearchQuery` out.

Every selection lives in the URL (a GET form), so a search can be shared and the back button
works. Unknown parameters are ignored; malformed values are refused with a message (the views
answer 400), never a server error.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from search.facets import FACETS, FACETS_BY_NAME
from search.query import MAX_PAGE, MAX_QUERY_LENGTH, SearchQuery, Sort

MAX_VALUE_LENGTH = 100
MAX_VALUES_PER_FACET = 50
# The bounds a year range may name (a typo such as 20220 is refused, not searched).
MIN_YEAR = 1000
MAX_YEAR = 9999
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
_YEAR = re.compile(r"^[0-9]{1,4}\Z")

SORT_LABELS = {
    Sort.RELEVANCE: _("Best match"),
    Sort.NEWEST: _("Newest first"),
    Sort.OLDEST: _("Oldest first"),
    Sort.TITLE: _("Title A–Z"),
    Sort.YEAR: _("Year, latest first"),
}


class InvalidSearch(ValueError):
    """The parameters do not make a search; the message says why, for people."""


class TruncatedCharField(forms.CharField):
    """Text cut to `max_length` instead of refused: a pasted paragraph still searches."""

    def __init__(self, *, truncate_to: int, **kwargs) -> None:
        self.truncate_to = truncate_to
        super().__init__(**kwargs)

    def to_python(self, value: object) -> str:
        return (super().to_python(value) or "")[: self.truncate_to]


class FacetValuesField(forms.Field):
    """A repeatable parameter (?country=fi&country=se) holding vocabulary keys or years."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, pattern: re.Pattern, **kwargs) -> None:
        self.pattern = pattern
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> tuple[str, ...]:
        if not value:
            return ()
        if isinstance(value, str):
            value = [value]
        values = [str(v).strip() for v in value if str(v).strip()]
        return tuple(dict.fromkeys(values))

    def validate(self, value: tuple[str, ...]) -> None:
        super().validate(value)
        if len(value) > MAX_VALUES_PER_FACET:
            raise forms.ValidationError(
                _("At most %(max)d values can be selected."), params={"max": MAX_VALUES_PER_FACET}
            )
        for item in value:
            if len(item) > MAX_VALUE_LENGTH or not self.pattern.match(item):
                raise forms.ValidationError(
                    _("“%(value)s” is not a valid value."),
                    params={"value": item[:MAX_VALUE_LENGTH]},
                )


class SearchForm(forms.Form):
    q = TruncatedCharField(
        label=pgettext_lazy("noun: the search page", "Search"),
        required=False,
        truncate_to=MAX_QUERY_LENGTH,
        strip=True,
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=list(SORT_LABELS.items()))
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=MAX_PAGE)
    # The year range (see SearchQuery.year_from): inclusive bounds, either may be left out.
    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    year_to = forms.IntegerField(
        label=_("To year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    # `exact=1`: the words as typed, never their spelling correction (the link “Search instead
    # for …” under results of a corrected search); read by `spelling_wanted`.
    exact = forms.ChoiceField(
        label=_("Words exactly as typed"), required=False, choices=[("1", "1"), ("0", "0")]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for facet in FACETS:
            self.fields[facet.param] = FacetValuesField(
                label=facet.label, pattern=_YEAR if facet.name == "year" else _SLUG
            )

    def clean(self) -> dict[str, Any] | None:
        """Also refuses a year range that ends before it starts."""
        cleaned = super().clean() or {}
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error(
                "year_from",
                forms.ValidationError(
                    _("The “from” year (%(year_from)d) is after the “to” year (%(year_to)d)."),
                    params={"year_from": year_from, "year_to": year_to},
                ),
            )
        return cleaned

    def error_message(self) -> str:
        """All errors in one sentence per parameter: “page: Ensure this value is …”."""
        return " ".join(
            f"{name}: {' '.join(str(message) for message in messages)}"
            for name, messages in self.errors.items()
        )

    def to_query(self, **base) -> SearchQuery:
        """The validated search; `base` sets the filters the visitor does not choose
        (visibility, kinds, page_size)."""
        data = self.cleaned_data
        selections = {facet.name: data[facet.param] for facet in FACETS if data.get(facet.param)}
        return SearchQuery(
            text=data.get("q") or "",
            selections=selections,
            sort=data.get("sort") or Sort.RELEVANCE,
            page=data.get("page") or 1,
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            **base,
        )


def spelling_wanted(params: QueryDict) -> bool:
    """May a search from these (validated) parameters be answered by its spelling correction?
    Yes, unless `exact=1` asks for the words as typed."""
    return params.get("exact") != "1"


def query_from_params(params: QueryDict, **base) -> SearchQuery:
    """A validated `SearchQuery` from URL parameters; raises InvalidSearch with a message."""
    form = SearchForm(params)
    if not form.is_valid():
        raise InvalidSearch(form.error_message())
    return form.to_query(**base)


def listing_query_from_params(
    params: QueryDict,
    *,
    kind_label_plural: str,
    facets: tuple[str, ...],
    sorts: tuple[str, ...],
    **base,
) -> SearchQuery:
    """A one-kind listing's search (the case library, the toolkit) from URL parameters.

    Like `query_from_params`, and also refuses a sort the listing does not offer or a facet of
    another kind (e.g. `?format=guide` on the case library would silently empty it), with a
    message that names what to change.
    """
    query = query_from_params(params, **base)
    if query.sort not in sorts:
        raise InvalidSearch(
            _("sort: choose %(choices)s.")
            % {"choices": ", ".join(str(SORT_LABELS[sort]).lower() for sort in sorts)}
        )
    unknown = set(query.selections) - set(facets)
    if (query.year_from is not None or query.year_to is not None) and "year" not in facets:
        unknown.add("year")
    if unknown:
        raise InvalidSearch(
            _("These filters do not apply to %(kind)s: %(names)s.")
            % {
                "kind": kind_label_plural,
                "names": ", ".join(sorted(FACETS_BY_NAME[name].param for name in unknown)),
            }
        )
    return query
