from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "budgeting"
    verbose_name = _("Participatory budgeting")

    def ready(self) -> None:
        from budgeting.models import Process, Project
        from budgeting.search import (
            PROCESS_KIND,
            PROJECT_KIND,
            process_queryset,
            process_to_document,
            project_queryset,
            project_to_document,
        )
        from search.registry import register_kind

        register_kind(
            PROCESS_KIND,
            model=Process,
            label=_("Participatory budget"),
            label_plural=_("Participatory budgets"),
            to_document=process_to_document,
            queryset=process_queryset,
        )
        register_kind(
            PROJECT_KIND,
            model=Project,
            label=_("Budget proposal"),
            label_plural=_("Budget proposals"),
            to_document=project_to_document,
            queryset=project_queryset,
        )
