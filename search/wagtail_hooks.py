"""Admin registrations of the knowledge index: *Settings > Search index* (`admin_views`) and
*Settings > Search synonyms*, the synonym groups editors keep (`search.synonyms`)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search import admin_views  # noqa: F401  (it registers on import)
from search.models import SynonymGroup

SYNONYMS_HELP = _(
    "Every phrase of a group finds the others at search time, in any language: with "
    "“kokeilu”, “experiment” and “försök” in one group, a search for any of them finds all "
    "three. Put only phrases that mean the same in a group: a group that is too broad "
    "(“health” with “hospital”) makes every search for one of its phrases less precise."
)


class SynonymGroupViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "link"
    menu_label = _("Search synonyms")
    menu_name = "search_synonyms"
    add_to_settings_menu = True
    menu_order = 910  # after *Search index*
    list_display = ["__str__", "note", "updated_at"]
    list_export = ["terms", "note", "updated_at"]
    list_per_page = 50
    search_fields = ["terms", "note"]
    search_backend_name = None  # plain database lookups: a short list, words as typed
    copy_view_enabled = False  # a copy would be the same group twice
    panels = [
        HelpPanel(content=format_lazy("<p>{}</p>", SYNONYMS_HELP), heading=_("How synonyms work")),
        FieldPanel("terms"),
        FieldPanel("note"),
    ]


register_snippet(SynonymGroupViewSet)
