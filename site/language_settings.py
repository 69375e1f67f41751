"""A member's own language: the site opens in it, and e-mails and calendar files are written in it.

It is stored as the preferred language of the person's Wagtail user profile, which the admin also
reads, so the choice is one setting for everything.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from wagtail.users.models import UserProfile

from portal.languages import member_language, reader_language_path, site_languages
from portal.locale_names import language_name


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("The site's language for you"),
        help_text=_(
            "The site opens in this language when you are signed in, and the e-mails it sends "
            "you are written in it."
        ),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # each language in its own name, as the switcher writes them
        self.fields["language"].choices = [
            (code, language_name(code, code).capitalize()) for code in site_languages()
        ]


@login_required
@require_http_methods(["GET", "POST"])
def language_settings(request):
    """Choose the language; the answer is the same page in the language just chosen."""
    current = member_language(request.user) or translation.get_language()
    form = LanguageForm(request.POST or None, initial={"language": current})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        profile = UserProfile.get_for_user(request.user)
        profile.preferred_language = chosen
        profile.save(update_fields=["preferred_language"])
        with translation.override(chosen):
            messages.success(request, gettext("Your language has been saved."))
        return redirect(reader_language_path(request.path, chosen))
    return render(request, "portal/language_settings.html", {"form": form})
