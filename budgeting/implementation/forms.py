"""Forms of the implementation page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budgeting.implementation.models import ImplementationStatus
from portal import text_limits
from portal.uploaded_images import UploadedImageField


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
