"""Forms of the PB pages: they check input shape; the rules of a process live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budgeting.models import ImplementationStatus, Phase, Process, Project
from portal import text_limits
from portal.models import Theme
from portal.uploaded_images import UploadedImageField


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=text_limits.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What should be done, for whom and why. Simple formatting is kept."),
    )
    place = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_("Where would it happen?")
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.none(), required=False, empty_label=_("(none)")
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=None, required=False, empty_label=_("(whole area)")
    )
    estimated_cost = forms.DecimalField(
        label=_("Estimated cost"), min_value=0, max_digits=14, decimal_places=2
    )
    impact_criteria = forms.CharField(
        label=_("Impact criteria"),
        max_length=text_limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("How would we know it worked? One criterion per line."),
    )

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.all()
        districts = process.districts.all()
        self.fields["district"].queryset = districts
        if not districts.exists():
            del self.fields["district"]
        self.fields["estimated_cost"].label = _("Estimated cost (%(currency)s)") % {
            "currency": process.currency
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=text_limits.COMMENT,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HideCommentForm(forms.Form):
    reason = forms.CharField(label=_("Reason shown instead"), max_length=300, required=False)


class ReviewForm(forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Feasible: put it on the ballot")), ("no", _("Not feasible"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Public reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=text_limits.NOTE,
    )
    reviewed_cost = forms.DecimalField(
        label=_("Reviewed cost"), min_value=0, max_digits=14, decimal_places=2, required=False
    )

    @classmethod
    def for_project(cls, project: Project, data=None) -> ReviewForm:
        initial = {
            "reason": project.review_reason,
            "reviewed_cost": project.reviewed_cost or project.estimated_cost,
        }
        if project.status in ("feasible", "infeasible"):
            initial["feasible"] = "yes" if project.status == "feasible" else "no"
        return cls(data, initial=initial, prefix=f"review-{project.pk}")


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Move the process to"), choices=Phase.choices)


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
    if ballot_type in ("cumulative", "ranked"):
        prefix = "points" if ballot_type == "cumulative" else "rank"
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


# After the vote


def users_by_username(raw: str) -> tuple[list, list[str]]:
    """Accounts named in `raw` (usernames separated by commas or spaces) and unknown names."""
    from django.contrib.auth import get_user_model

    names = [name for name in raw.replace(",", " ").split() if name]
    model = get_user_model()
    found = {
        user.get_username().casefold(): user
        for user in model.objects.filter(is_active=True, username__in=names)
    }
    missing = [name for name in names if name.casefold() not in found]
    users = [found[name.casefold()] for name in dict.fromkeys(names) if name.casefold() in found]
    return users, missing


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


class TeamForm(forms.Form):
    civil_servants = forms.CharField(
        label=_("Civil servants (usernames)"),
        max_length=1000,
        required=False,
        help_text=_("Separate usernames with commas."),
    )

    def clean_civil_servants(self):
        users, missing = users_by_username(self.cleaned_data["civil_servants"])
        if missing:
            raise forms.ValidationError(
                _("No active account is called: %(names)s.") % {"names": ", ".join(missing)}
            )
        return users


class HandoverForm(forms.Form):
    new_champion = forms.CharField(label=_("New champion (username)"), max_length=150)
    reason = forms.CharField(
        label=_("Reason, shown in the history"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=text_limits.NOTE,
    )

    def clean_new_champion(self):
        users, missing = users_by_username(self.cleaned_data["new_champion"])
        if missing or len(users) != 1:
            raise forms.ValidationError(_("Give the username of one active account."))
        return users[0]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ImplementationStatus.choices)
    note = forms.CharField(
        label=_("Note for the timeline"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=text_limits.NOTE,
        required=False,
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=text_limits.DETAIL,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what is done when this milestone is reached."),
    )


class ProgressUpdateForm(forms.Form):
    body = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=text_limits.COMMENT,
    )
    # stored re-encoded, without EXIF (no GPS position, camera or time taken)
    photo = UploadedImageField(
        label=_("Photo"),
        required=False,
        max_bytes=10 * 1024 * 1024,
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
    )
    photo_alt = forms.CharField(
        label=_("Describe the photo"),
        max_length=250,
        required=False,
        help_text=_("Needed with a photo: for people who cannot see it."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo") and not (cleaned.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("Describe the photo for people who cannot see it."))
        return cleaned


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
