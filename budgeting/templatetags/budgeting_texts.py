"""PB texts in the reader's language in templates (`budgeting.texts`).

`<h1{{ process.text.title|lang_attribute }}>{{ process.text.title }}</h1>` marks a text shown in
another language than the reader's (the original, where no translation has it) with its `lang`;
`{% written_in process.text.title.language %}` (from `languages`) adds the short note.
"""

from django import template
from django.utils.html import format_html

from budgeting.texts import ShownText

register = template.Library()


@register.filter
def lang_attribute(text: ShownText | None) -> str:
    """` lang="sv"` for a text written in another language than the reader's, else ""."""
    code = getattr(text, "lang", "")
    return format_html(' lang="{}"', code) if code else ""
