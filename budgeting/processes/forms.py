"""Forms of the organisers' process screen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budgeting.processes.models import Phase


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Move the process to"), choices=Phase.choices)
