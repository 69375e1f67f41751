"""Forms for voting: codes, residents, and the ballot's POST."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budgeting.processes.models import BallotType


class VotingCodesForm(forms.Form):
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=5000, initial=100)


class ResidentForm(forms.Form):
    username = forms.CharField(
        label=_("Account name of the resident"),
        max_length=150,
        help_text=_(
            "The member's profile must already give this municipality; you confirm that they "
            "live here, for example after seeing their papers."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class VotingCodeEntryForm(forms.Form):
    code = forms.CharField(
        label=_("Voting code"),
        max_length=40,
        help_text=_("As printed on your voting card, e.g. ABCD-EFGH-JKLM."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def ballot_choices_from_post(
    data, *, ballot_type: str, project_pks: list[int]
) -> tuple[dict[int, int], list[str]]:
    """Read the ballot's controls: `project` checkboxes, or `points-<pk>` / `rank-<pk>` fields.

    Returns the choices and messages for values that are not whole numbers (the rest of the
    ballot is kept, so nothing typed is lost).
    """
    choices: dict[int, int] = {}
    errors: list[str] = []
    if ballot_type in (BallotType.CUMULATIVE, BallotType.RANKED):
        prefix = "points" if ballot_type == BallotType.CUMULATIVE else "rank"
        for pk in project_pks:
            raw = (data.get(f"{prefix}-{pk}") or "").strip()
            if not raw:
                continue
            try:
                value = int(raw)
            except ValueError:
                errors.append(_("“%(value)s” is not a whole number.") % {"value": raw[:20]})
                continue
            choices[pk] = value
    else:
        for raw in data.getlist("project"):
            try:
                choices[int(raw)] = 1
            except ValueError:
                errors.append(_("A project you chose is not on this ballot."))
    return choices, errors
