"""Forms of the workshop pages: the prompt cards a participant fills in during capture."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stories.vocabularies import StoryKind
from stories.workshops.models import StoryDraft
from stories.workshops.services import DRAFT_FIELDS

SAVE, SHARE = "save", "share"


class StoryDraftForm(forms.ModelForm):
    """One story from the prompt cards. Saving needs nothing; sharing it for review needs a
    title, the kind of story and the author's consent (`action` says which)."""

    action = forms.ChoiceField(
        choices=[(SAVE, _("Save draft")), (SHARE, _("Share for review"))],
        widget=forms.HiddenInput,
        required=False,
    )

    class Meta:
        model = StoryDraft
        fields = list(DRAFT_FIELDS)
        labels = {
            "title": _("Title of your story"),
            "kind": _("How did it go?"),
            "project": _("The project: what did you try?"),
            "what_went_wrong": _("What went wrong (or right)?"),
            "why": _("Why did it go this way?"),
            "root_causes": _("Root causes (tick any)"),
            "lesson": _("The lesson: what did you learn?"),
            "do_differently": _("What would you do differently?"),
            "disclosure": _("If it is published, who may read it?"),
            "consent": _(
                "I agree to share this story with the editors for review, and to its "
                "publication in the way I chose above."
            ),
        }
        help_texts = {
            "title": _("A few words, e.g. “The app nobody downloaded”."),
            "why": _("Say what happened, not who is to blame."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "disclosure": forms.RadioSelect,
            "project": forms.Textarea(attrs={"rows": 4}),
            "what_went_wrong": forms.Textarea(attrs={"rows": 4}),
            "why": forms.Textarea(attrs={"rows": 4}),
            "lesson": forms.Textarea(attrs={"rows": 4}),
            "do_differently": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a radio list needs no empty "---------" choice
        self.fields["kind"].choices = list(StoryKind.choices)
        self.fields["kind"].required = False
        self.fields["disclosure"].choices = [
            choice for choice in self.fields["disclosure"].choices if choice[0]
        ]

    @property
    def sharing(self) -> bool:
        return (self.data.get("action") if self.is_bound else "") == SHARE

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == SHARE:
            if not cleaned.get("title"):
                self.add_error("title", _("Give your story a title before you share it."))
            if not cleaned.get("kind"):
                self.add_error("kind", _("Choose how it went before you share it."))
            if not cleaned.get("consent"):
                self.add_error("consent", _("Tick the box to agree before you share it."))
            if not any(
                (cleaned.get(name) or "").strip()
                for name in ("project", "what_went_wrong", "why", "lesson", "do_differently")
            ):
                self.add_error(
                    None, _("Answer at least one of the prompt cards before you share it.")
                )
        return cleaned

    def values(self) -> dict:
        """The cleaned values for `workshop_draft_save`."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
