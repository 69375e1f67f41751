from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Case studies")

    def ready(self) -> None:
        from cases.models import CasePage
        from cases.search import KIND, case_queryset, case_to_document
        from cases.vocabularies import case_status_labels, experiment_outcome_labels
        from search.registry import register_kind, register_labels

        register_kind(
            KIND,
            model=CasePage,
            label=_("Case study"),
            label_plural=_("Case studies"),
            to_document=case_to_document,
            queryset=case_queryset,
        )
        register_labels("case_statuses", case_status_labels)
        register_labels("experiment_outcomes", experiment_outcome_labels)
