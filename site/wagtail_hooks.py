"""Admin registrations of the site app: the shared vocabularies as snippets.

Editors find them under Vocabularies in the admin menu. Keys are stable identifiers used in URLs
and search facets; names and descriptions are for editors to reword.
"""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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
    list_export = ["key", "name", "description", "sort_order"]
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
