"""The page being read in the site's other languages: the switcher, `hreflang` and the notice."""

from django import template
from django.utils import translation

from portal.languages import (
    language_versions,
    page_text_language,
    reader_language_path,
    text_language,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def page_language_versions(context):
    """This page in each language (`portal.languages.LanguageVersion`), or [] without a request."""
    request = context.get("request")
    if request is None:
        return []
    return language_versions(request, context.get("page"))


@register.simple_tag(takes_context=True)
def page_content_language(context) -> str:
    """The language the page's own text is written in, when it differs from the reader's.

    Empty when they are the same (or there is no page), so that `{% if %}` shows no notice and
    no `lang` attribute is needed.
    """
    page = context.get("page")
    code = page_text_language(page)
    if code is None:
        return ""
    return "" if code == translation.get_language() else code


@register.filter
def reader_url(url: str) -> str:
    """A site address in the reader's language (`/en/cases/x/` read in Finnish: `/fi/cases/x/`)."""
    return reader_language_path(url)


@register.filter
def foreign_language(code: str | None) -> str:
    """A member's text's language (`written_in`) when the reader reads the site in another one,
    else "": `{% with lang=story.written_in|foreign_language %}{% if lang %} lang="{{ lang }}"…`."""
    return text_language(code)


@register.inclusion_tag("components/written_in.html")
def written_in(code: str | None):
    """A short note naming the language of a member's text written in another language than the
    reader's ("Written in Swedish"), with nothing when it is the reader's own."""
    return {"code": text_language(code)}


@register.filter
def foreign_page_language(page) -> str:
    """The language a listed page (a card) is written in when it is not the reader's, else "":
    its author's `written_in`, or its locale's language."""
    return text_language(page_text_language(page))
