"""The public form where signed-in members share a story for an editor to review."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal import text_limits
from portal.models import Country
from stories.services.stories import NARRATIVE_FIELDS
from stories.vocabularies import DEFAULT_DISCLOSURE, Disclosure, RootCause, StoryKind


def _narrative_field(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=text_limits.STORY_PART,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class StoryShareForm(forms.Form):
    """Plain text in, checked shape out; `stories.services.stories` does the writing."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("What kind of story is it?"), choices=StoryKind.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=text_limits.SUMMARY,
        help_text=_("One or two sentences, shown in listings."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    written_in = forms.ChoiceField(
        label=_("Written in"),
        choices=(),  # the site's languages (`__init__`), named in their own words
        required=False,
        help_text=_(
            "The language you write the story in. Readers who use the site in another "
            "language see which language the story is in."
        ),
    )
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False, empty_label="—"
    )
    municipality = forms.CharField(
        label=_("Municipality or region"), max_length=120, required=False
    )
    started_on = forms.DateField(
        label=_("Started"),
        required=False,
        help_text=_("For example 2024-03-01."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ended_on = forms.DateField(
        label=_("Ended"),
        required=False,
        help_text=_("Leave empty if it is still going."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    what_we_tried = _narrative_field(_("What we tried"))
    what_happened = _narrative_field(_("What happened"))
    root_causes = forms.MultipleChoiceField(
        label=_("Why did it go this way?"),
        required=False,
        choices=RootCause.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Name causes, not people: tick every one that played a part."),
    )
    why = _narrative_field(_("Why it went this way"))
    what_we_learned = _narrative_field(_("What we learned"))
    do_differently = _narrative_field(_("What we would do differently"))
    disclosure = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Disclosure.choices,
        initial=DEFAULT_DISCLOSURE,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_("I agree that the story is published this way once an editor has reviewed it."),
        error_messages={"required": _("Tick this box to share the story: we need your consent.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("name")
        self.fields["written_in"].choices = settings.LANGUAGES
        self.fields["written_in"].initial = translation.get_language()

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end cannot be before the start."))
        if not any((data.get(name) or "").strip() for name in NARRATIVE_FIELDS):
            self.add_error("what_we_tried", _("Tell us at least what you tried."))
        return data

    def narrative(self) -> dict[str, str]:
        """The typed narrative fields that have text (plain text, not yet HTML)."""
        return {
            name: self.cleaned_data[name]
            for name in NARRATIVE_FIELDS
            if (self.cleaned_data.get(name) or "").strip()
        }


class StoryConsentForm(forms.Form):
    """The author's own consent to a story someone wrote with them as author."""

    disclosure = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Disclosure.choices,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_("I agree that the story is published this way."),
        error_messages={"required": _("Tick this box to agree: the story waits for you.")},
    )
