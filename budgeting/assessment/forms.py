"""Forms for criteria, indicators, effects and the confirmation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budgeting.processes.models import Process
from portal import text_limits


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Criterion"), max_length=200)
    unit = forms.CharField(
        label=_("Unit"), max_length=40, required=False, help_text=_("e.g. visitors a week, %.")
    )


class CriteriaChoiceForm(forms.Form):
    criteria = forms.MultipleChoiceField(
        label=_("Which of these should decide whether the funded projects succeeded?"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Choose as many as you like; you can change your choice until voting closes."),
    )

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [
            (str(criterion.pk), criterion.title) for criterion in process.criteria.all()
        ]


class TargetForm(forms.Form):
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=14, decimal_places=3)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=3)


class MeasureForm(forms.Form):
    measured = forms.DecimalField(label=_("Measured value"), max_digits=14, decimal_places=3)
    evidence = forms.CharField(
        label=_("Evidence source"),
        max_length=500,
        help_text=_("Where the value comes from: a count, a survey, a link to the data."),
    )


class EffectForm(forms.Form):
    description = forms.CharField(
        label=_("What happened that nobody planned?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=text_limits.DETAIL,
    )
    good = forms.TypedChoiceField(
        label=_("Was it good or bad?"),
        choices=[("yes", _("Good")), ("no", _("Bad"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(label=_("Evidence"), max_length=500)


class AssessmentVoteForm(forms.Form):
    agree = forms.TypedChoiceField(
        label=_("Do you agree with this assessment?"),
        choices=[("yes", _("Yes, it is right")), ("no", _("No, it is not right"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
