"""How a view shows a service's refusal on the form the person filled in.

Services raise `ValidationError` with a message a person can act on, keyed by the argument it is
about when there is one (see the contract in `network/services.py`). A view that called the
service with a form's data puts each message where the person will look for it: on the field it
is about, or at the top of the form when the message is about no field of this form. What was
typed stays in the form.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def validation_messages(error: ValidationError) -> list[str]:
    """Every message of `error`, with or without fields, as plain strings for a flash message."""
    return [str(message) for message in error.messages]


def form_errors_spread(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    field_names: Mapping[str, str] | None = None,
) -> None:
    """Put `error`'s messages on `form`: a message keyed by one of the form's fields goes on
    that field, every other message (keyed by something the form does not have, or not keyed
    at all) goes to the form's non-field errors.

    `field_names` maps a service's argument name to the form's field name where they differ
    (`{"note": "status_note"}`).
    """
    renamed = field_names or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        field = renamed.get(name, name)
        form.add_error(field if field in form.fields else None, messages)
