"""Editors manage processes in the Wagtail admin (Snippets > Participatory budgets)."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from budgeting.models import Process


class ProcessViewSet(SnippetViewSet):
    model = Process
    icon = "tasks"
    menu_label = _("Participatory budgets")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["title", "organiser_name", "phase", "counting_rule", "rule_frozen_at"]
    list_filter = ["phase", "counting_rule"]
    search_fields = ["title", "organiser_name", "municipality"]


register_snippet(ProcessViewSet)
