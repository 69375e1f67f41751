"""A model field for a short list of choice keys, stored as JSON on SQLite and PostgreSQL."""

from __future__ import annotations

from django import forms
from django.core import exceptions
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A list of keys from `item_choices`, edited as checkboxes.

    A JSON list rather than a many-to-many table: the values are fixed choices, read together
    with the page (no extra query per listing) and indexed as facets by the knowledge index.
    """

    def __init__(self, *args, item_choices=(), **kwargs) -> None:
        self.item_choices = list(item_choices)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        return name, path, args, kwargs

    def validate(self, value, model_instance) -> None:
        super().validate(value, model_instance)
        keys = {key for key, _label in self.item_choices}
        unknown = [item for item in value or () if item not in keys]
        if not isinstance(value, list) or unknown:
            raise exceptions.ValidationError(
                _("Unknown values: %(values)s."),
                code="invalid_choice",
                params={"values": ", ".join(map(str, unknown)) or str(value)},
            )

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
        )
