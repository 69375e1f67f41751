"""The page being read in the site's other languages: the switcher, `hreflang` and the notice."""

from django import template
from django.utils import translation

from portal.languages import language_versions, locale_language, reader_language_path

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
    code = locale_language(getattr(page, "locale_id", None))
    if code is None:
        return ""
    return "" if code == translation.get_language() else code


@register.filter
def reader_url(url: str) -> str:
    """A site address in the reader's language (`/en/cases/x/` read in Finnish: `/fi/cases/x/`)."""
    return reader_language_path(url)
