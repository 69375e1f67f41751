"""Admin registrations of the site app: the shared vocabularies as snippets.

Editors find them under Vocabularies in the admin menu. Keys are stable identifiers used in URLs
and search facets; names and descriptions are for editors to reword.
"""

from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.languages import locale_language, page_translations, page_url
from portal.models.taxonomy import (
    SDG,
    Country,
    GovernmentLevel,
    InnovationType,
    Method,
    OrganisationType,
    Stage,
    Theme,
)


class VocabularyViewSet(SnippetViewSet):
    """A vocabulary in lifecycle or editorial order; editors can drag terms into order."""

    list_display = ["name", "key"]
    list_export = [
        "key",
        "name",
        "name_fi",
        "name_sv",
        "description",
        "description_fi",
        "description_sv",
        "sort_order",
    ]
    search_fields = ["name", "key"]
    search_backend_name = None  # plain database lookups: short lists, exact keys
    sort_order_field = "sort_order"
    copy_view_enabled = False
    inspect_view_enabled = True
    icon = "tag"


class CountryViewSet(VocabularyViewSet):
    model = Country
    icon = "globe"
    list_display = ["name", "key", "alpha3"]
    list_export = ["key", "alpha3", "name", "description"]
    search_fields = ["name", "key", "alpha3"]
    sort_order_field = None  # alphabetical
    list_per_page = 50


class ThemeViewSet(VocabularyViewSet):
    model = Theme


class MethodViewSet(VocabularyViewSet):
    model = Method
    icon = "cogs"


class StageViewSet(VocabularyViewSet):
    model = Stage
    icon = "order"


class GovernmentLevelViewSet(VocabularyViewSet):
    model = GovernmentLevel
    icon = "group"


class InnovationTypeViewSet(VocabularyViewSet):
    model = InnovationType
    icon = "pick"


class SDGViewSet(VocabularyViewSet):
    model = SDG
    icon = "site"
    list_display = ["number", "name", "key"]
    list_export = ["number", "key", "name", "description"]
    sort_order_field = None  # by goal number


class OrganisationTypeViewSet(VocabularyViewSet):
    model = OrganisationType
    icon = "home"


class VocabularyViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Vocabularies")
    menu_icon = "tag"
    menu_order = 300
    items = (
        CountryViewSet,
        ThemeViewSet,
        MethodViewSet,
        StageViewSet,
        GovernmentLevelViewSet,
        InnovationTypeViewSet,
        SDGViewSet,
        OrganisationTypeViewSet,
    )


register_snippet(VocabularyViewSetGroup)


@hooks.register("before_serve_page")
def serve_in_reader_language(page, request, serve_args, serve_kwargs):
    """A page reached in a language it has a live translation in is served as that translation.

    `/fi/cases/x/` for a case whose Finnish translation has its own slug redirects there; a page
    without one is served as it is, with a notice (`templates/components/language_notice.html`).
    """
    language = translation.get_language()
    if locale_language(page.locale_id) == language:
        return None
    translated = (page_translations(page, request) or {}).get(language)
    if translated is None:
        return None
    url = page_url(translated, request)
    if not url:
        return None
    query = request.META.get("QUERY_STRING")
    return redirect(f"{url}?{query}" if query else url)
