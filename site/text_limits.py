"""How much free text each kind of field takes: the one place models and forms read it from.

Each limit is far above what anyone writes for real and low enough that one request's work
stays small: the sanitiser, the search index and every page that shows the text read each
character. Forms refuse longer input with "Ensure this value has at most N characters" and keep
what was typed; they count the input as it was sent, before any sanitising. Models enforce the
same limits in `full_clean()`, which the services and Wagtail's page saves call: plain text by
its length, sanitised HTML and rich text by the length of their text (as Wagtail counts a
rich-text field), so the markup the sanitiser adds or escapes never refuses what a form let in.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models

from wagtail.fields import RichTextField
from wagtail.rich_text import RichTextMaxLengthValidator

# Written by members, organisers and reviewers on the site's own forms
SUMMARY = 500  # one or two sentences shown on cards and in search results
REASON = 1_000  # a reason told to one person: a declined join request or story draft
MOTIVATION = 1_000  # why an applicant wants to join, read by their national contact point
NOTE = 2_000  # a note in a public history, the public reason of a review, impact criteria
LINKS = 2_000  # a member's web addresses, one per line
BIO = 3_000  # a member's short bio
DETAIL = 4_000  # what a milestone means, an effect nobody planned
COMMENT = 5_000  # a comment on a proposal, a progress update
GROUP_DESCRIPTION = 5_000  # what a group is about
DESCRIPTION = 10_000  # a proposal or a process described: a few thousand words
STORY_PART = 10_000  # one part of a story (what we tried, what happened, ...)

# Written by editors in the admin, or brought by the importers
INTRO = 1_000  # a page's introduction, the footer text, a vocabulary term's description
SYNONYMS = 1_000  # one search synonym group's phrases, one per line (a few dozen at most)
EDITORIAL = 30_000  # a section of a case or a story (the longest imported one: 14,058)


class PlainTextField(models.TextField):
    """Plain text of at most `max_length` characters, checked by `full_clean()` too (Django's
    TextField only passes `max_length` on to its form field)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


class SanitisedHTMLField(models.TextField):
    """HTML made safe by `portal.rich_text.sanitise_html`, with at most `max_length` characters
    of text (markup and entities not counted), in `full_clean()` and in its form field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(RichTextMaxLengthValidator(self.max_length))

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        _count_text_only(field)
        return field


class LimitedRichTextField(RichTextField):
    """Wagtail's rich-text field, whose `max_length` (characters of text) `full_clean()` checks
    too, not only the admin's form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(RichTextMaxLengthValidator(self.max_length))


def _count_text_only(field) -> None:
    # as wagtail.fields.RichTextField.formfield does: the stored HTML's markup is not text
    field.validators = [
        RichTextMaxLengthValidator(validator.limit_value, message=validator.message)
        if type(validator) is MaxLengthValidator
        else validator
        for validator in field.validators
    ]
