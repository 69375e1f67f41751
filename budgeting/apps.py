from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "budgeting"
    verbose_name = _("Participatory budgeting")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from budgeting.implementation.models import Implementation
        from budgeting.processes.models import Process, ProcessTranslation
        from budgeting.proposals.models import Project, ProjectTranslation
        from budgeting.search import (
            PROCESS_KIND,
            PROJECT_KIND,
            implementation_changed,
            implementation_status_labels,
            process_queryset,
            process_to_document,
            project_queryset,
            project_to_document,
            translation_changed,
        )
        from search.registry import register_kind, register_labels

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
        register_labels("implementation_statuses", implementation_status_labels)
        # the project's document shows its implementation status
        post_save.connect(
            implementation_changed, sender=Implementation, dispatch_uid="budgeting_impl_saved"
        )
        post_delete.connect(
            implementation_changed, sender=Implementation, dispatch_uid="budgeting_impl_deleted"
        )
        # a process's or project's document holds its translations' texts
        for model in (ProcessTranslation, ProjectTranslation):
            name = model._meta.model_name
            post_save.connect(
                translation_changed, sender=model, dispatch_uid=f"budgeting_{name}_saved"
            )
            post_delete.connect(
                translation_changed, sender=model, dispatch_uid=f"budgeting_{name}_deleted"
            )
