"""Forms for proposals, comments and reviews."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from budgeting.processes.models import Process
from budgeting.proposals.models import Project, ProjectStatus
from budgeting.texts import reader_language
from portal import text_limits
from portal.locale_names import language_name
from portal.models import Theme


def language_choices() -> list[tuple[str, str]]:
    """The site's languages, named in the reader's language ("Finnish", "suomi"...)."""
    return [(code, capfirst(language_name(code))) for code, _name in settings.LANGUAGES]


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
    written_in = forms.ChoiceField(
        label=_("Written in"),
        choices=(),
        required=False,
        help_text=_("The language you wrote the proposal in."),
    )

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["written_in"].choices = language_choices()
        # the language the proposer is using the site in, unless they choose another
        self.fields["written_in"].initial = reader_language()
        self.fields["theme"].queryset = Theme.objects.all()
        districts = process.districts.all()
        self.fields["district"].queryset = districts
        if not districts.exists():
            del self.fields["district"]
        self.fields["estimated_cost"].label = _("Estimated cost (%(currency)s)") % {
            "currency": process.currency
        }

    def clean_written_in(self) -> str:
        # a form sent without the choice (an older page) is in the language used on the site
        return self.cleaned_data.get("written_in") or reader_language()


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=text_limits.COMMENT,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ProjectTranslationForm(forms.Form):
    """An organiser gives a project's title and description in another language."""

    language = forms.ChoiceField(label=_("Language"), choices=())
    title = forms.CharField(label=_("Title in this language"), max_length=200)
    description = forms.CharField(
        label=_("Description in this language"),
        max_length=text_limits.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Simple formatting is kept. Left empty, readers see the original description."),
    )

    def __init__(self, *args, project: Project, **kwargs):
        kwargs.setdefault("prefix", f"translation-{project.pk}")
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in language_choices() if code != project.written_in
        ]


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
        if project.status in (ProjectStatus.FEASIBLE, ProjectStatus.INFEASIBLE):
            initial["feasible"] = "yes" if project.status == ProjectStatus.FEASIBLE else "no"
        return cls(data, initial=initial, prefix=f"review-{project.pk}")
