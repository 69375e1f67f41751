"""Forms of the network: the sign-up profile, the profile editor, NCP decisions, groups."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from network.bio_text import bio_html_from_text, bio_text_from_html
from network.models import (
    NEVER_PUBLIC,
    VISIBILITY_FIELDS,
    GroupPolicy,
    Member,
    Visibility,
)
from network.vocabularies import EXCHANGE, SKILLS
from portal import text_limits
from portal.languages import member_language
from portal.models.taxonomy import Country, Method, OrganisationType, Theme
from portal.uploaded_images import UploadedImageField

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_PIXELS = 12_000_000
MAX_LINKS = 5

# "Who sees..." for each field with a visibility: worded for the owner, and neutrally for an
# NCP or editor who edits someone else's profile (never "your" about another person's data).
VISIBILITY_LABELS = {
    "organisation": _("Who sees your organisation"),
    "organisation_type": _("Who sees your organisation type"),
    "country": _("Who sees your country"),
    "municipality": _("Who sees your municipality"),
    "roles": _("Who sees your roles"),
    "expertise": _("Who sees your expertise"),
    "skills": _("Who sees your core skills"),
    "exchange": _("Who sees what you look for and offer"),
    "bio": _("Who sees your bio"),
    "photo": _("Who sees your photo"),
    "links": _("Who sees your links"),
    "contact": _("Who sees your contact details"),
}
VISIBILITY_LABELS_FOR_OTHERS = {
    "organisation": _("Who sees the member's organisation"),
    "organisation_type": _("Who sees the member's organisation type"),
    "country": _("Who sees the member's country"),
    "municipality": _("Who sees the member's municipality"),
    "roles": _("Who sees the member's roles"),
    "expertise": _("Who sees the member's expertise"),
    "skills": _("Who sees the member's core skills"),
    "exchange": _("Who sees what the member looks for and offers"),
    "bio": _("Who sees the member's bio"),
    "photo": _("Who sees the member's photo"),
    "links": _("Who sees the member's links"),
    "contact": _("Who sees the member's contact details"),
}
# Visibility.PRIVATE says "Only me": true for the owner only.
PRIVATE_FOR_OTHERS = _("Only the member, NCPs and editors")


class SignupProfileForm(forms.Form):
    """Extra sign-up fields (ACCOUNT_SIGNUP_FORM_CLASS): who you are and where, so that the
    right national contact point sees the request."""

    display_name = forms.CharField(
        label=_("Your name as others will see it"), max_length=120, required=True
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="key",
        help_text=_("The national contact point of this country approves your membership."),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    motivation = forms.CharField(
        label=_("Why do you want to join? (optional)"),
        required=False,
        max_length=text_limits.MOTIVATION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you work on and what you hope to find or share. Your national contact point "
            "reads this when deciding on your request; it is not shown on your profile."
        ),
    )

    field_order = ["display_name", "country", "organisation", "motivation"]

    def signup(self, request, user) -> None:
        from network.services import member_register

        member_register(
            user=user,
            display_name=self.cleaned_data["display_name"],
            country=self.cleaned_data["country"],
            organisation=self.cleaned_data.get("organisation") or "",
            motivation=self.cleaned_data.get("motivation") or "",
        )


class LinksField(forms.CharField):
    """Web addresses, one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        MaxLengthValidator(text_limits.LINKS)(text)  # what was typed, before it is split
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_LINKS:
            raise ValidationError(_("At most %(max)d links."), params={"max": MAX_LINKS})
        check = URLValidator(schemes=["http", "https"])
        for url in value:
            try:
                check(url)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(url)s” is not a web address (https://…)."), params={"url": url[:100]}
                ) from error


class BioField(forms.CharField):
    """The bio in Markdown (`network.bio_text`); line breaks compared as the browser's CRLF
    or LF alike, so that a bio sent back untouched is not a change."""

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


class MemberProfileForm(forms.ModelForm):
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), to_field_name="key", required=False
    )
    organisation_type = forms.ModelChoiceField(
        label=_("Organisation type"),
        queryset=OrganisationType.objects.all(),
        to_field_name="key",
        required=False,
    )
    methods = forms.ModelMultipleChoiceField(
        label=_("Methods you know"),
        queryset=Method.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes you work on"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.MultipleChoiceField(
        label=_("OPSI core skills"),
        choices=list(SKILLS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    looking_for = forms.MultipleChoiceField(
        label=_("Looking for"),
        choices=list(EXCHANGE.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    offering = forms.MultipleChoiceField(
        label=_("Offering"),
        choices=list(EXCHANGE.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    links = LinksField(
        label=_("Links"),
        required=False,
        help_text=_("Web addresses, one per line (at most 5)."),
    )
    # stored re-encoded, without EXIF (no GPS position leaves the member's camera)
    photo = UploadedImageField(
        label=_("Photo"),
        required=False,
        max_bytes=PHOTO_MAX_BYTES,
        max_pixels=PHOTO_MAX_PIXELS,
        help_text=_("JPEG, PNG or WebP, at most 2 MB and 12 megapixels."),
    )
    bio = BioField(
        label=_("Short bio"),
        required=False,
        max_length=text_limits.BIO,
        # network/bio_editor.js adds a formatting toolbar to the textarea it marks
        widget=forms.Textarea(attrs={"rows": 8, "data-bio-editor": ""}),
        help_text=_(
            "Write **bold**, _italic_ and [text](https://address) for a link; start a line "
            "with “- ” for a list item and leave an empty line between paragraphs. Web "
            "addresses become links."
        ),
    )

    class Meta:
        model = Member
        fields = [
            "display_name",
            "organisation",
            "organisation_type",
            "country",
            "municipality",
            "bio",
            "written_in",
            "photo",
            "links",
            "contact_email",
            "phone",
        ]

    def __init__(
        self, *args, can_change_country: bool = True, own_profile: bool = True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.own_profile = own_profile
        self.fields["written_in"] = self._written_in_field()
        if own_profile:
            self.fields["municipality"].help_text = _(
                "Participatory budgets let you vote where your national contact point confirmed "
                "you live: a change of country or municipality waits for their confirmation."
            )
        else:
            self.fields["display_name"].label = _("The member's name as others see it")
            self.fields["methods"].label = _("Methods the member knows")
            self.fields["themes"].label = _("Themes the member works on")
            self.fields["municipality"].help_text = _(
                "Participatory budgets let the member vote where a national contact point "
                "confirmed they live: a change of country or municipality waits for that "
                "confirmation."
            )
        if not can_change_country:
            self.fields["country"].disabled = True
            self.fields["country"].help_text = _("Only editors move members to another country.")
        if self.instance.pk:
            # the choice fields use vocabulary keys, not the primary keys model_to_dict gives
            self.initial["country"] = getattr(self.instance.country, "key", None)
            self.initial["organisation_type"] = getattr(
                self.instance.organisation_type, "key", None
            )
            self.initial.setdefault("methods", list(self.instance.methods.all()))
            self.initial.setdefault("themes", list(self.instance.themes.all()))
            self.initial.setdefault("skills", self.instance.skills)
            self.initial.setdefault("looking_for", self.instance.looking_for)
            self.initial.setdefault("offering", self.instance.offering)
            # the stored HTML, as the Markdown the member edits
            self.initial["bio"] = bio_text_from_html(self.instance.bio)
        labels = VISIBILITY_LABELS if own_profile else VISIBILITY_LABELS_FOR_OTHERS
        for name, label in labels.items():
            choices = [
                (
                    value,
                    label_ if own_profile or value != Visibility.PRIVATE else PRIVATE_FOR_OTHERS,
                )
                for value, label_ in Visibility.choices
                if not (name in NEVER_PUBLIC and value == Visibility.PUBLIC)
            ]
            self.fields[f"visibility_{name}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=self.instance.visibility_of(name) if self.instance.pk else None,
            )

    def _written_in_field(self) -> forms.ChoiceField:
        """Which language the bio is written in: as chosen before, else the language the
        member uses the site in. The languages are named in their own words, as in the
        language switcher."""
        member = self.instance
        chosen = (member.written_in or member_language(member.user)) if member.pk else None
        # the ModelForm's initial (the stored value) would win over the field's own
        self.initial["written_in"] = chosen or translation.get_language()
        return forms.ChoiceField(
            label=_("Written in"),
            choices=settings.LANGUAGES,
            required=False,
            help_text=(
                _("The language you write your bio in.")
                if self.own_profile
                else _("The language the member writes their bio in.")
            ),
        )

    def visibility_fields(self):
        return [self[f"visibility_{name}"] for name in VISIBILITY_FIELDS]

    def changes(self) -> dict:
        """The profile values for `member_update`. The bio goes only when it was edited: an
        untouched bio keeps its stored HTML (marks an older bio may have included)."""
        data = self.cleaned_data
        changes = {
            name: data[name]
            for name in self.Meta.fields
            if name in data and not self.fields[name].disabled
        }
        # The language goes when it was sent and the owner saves, or someone chose it or
        # rewrote the bio: an NCP's untouched form leaves a profile that never said as it is.
        if not data.get("written_in") or not (
            self.own_profile or {"written_in", "bio"} & set(self.changed_data)
        ):
            changes.pop("written_in", None)
        if "bio" in self.changed_data:
            changes["bio"] = bio_html_from_text(data.get("bio") or "")
        else:
            changes.pop("bio", None)
        photo = data.get("photo")
        if photo is False:  # "clear" ticked
            changes["photo"] = ""
        elif not isinstance(photo, UploadedFile):
            changes["photo"] = None  # no new upload: keep
        for name in ("skills", "looking_for", "offering"):
            changes[name] = list(data.get(name) or [])
        # a visibility left out of the form keeps its current value
        changes["visibility"] = {
            name: data.get(f"visibility_{name}") or self.instance.visibility_of(name)
            for name in VISIBILITY_FIELDS
        }
        return changes


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the applicant sees it)"),
        max_length=text_limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=text_limits.REASON,
        required=False,
        help_text=_("Kept in the audit log for other national contact points and editors."),
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(
        label=_("What the group is about"),
        required=False,
        max_length=text_limits.GROUP_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    written_in = forms.ChoiceField(
        label=_("Written in"),
        choices=(),  # the site's languages (`__init__`), named in their own words
        required=False,
        help_text=_("The language you write the group's name and description in."),
    )
    policy = forms.ChoiceField(label=_("Who can join"), choices=GroupPolicy.choices)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["written_in"].choices = settings.LANGUAGES
        self.fields["written_in"].initial = translation.get_language()


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person you invite"))


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and profile are deleted and cannot be restored."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not correct."))
        return password
