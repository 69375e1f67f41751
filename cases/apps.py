from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Case studies")

    def ready(self) -> None:
        from cases.models import CasePage
        from cases.search import KIND, case_queryset, case_to_document
        from search.registry import register_kind

        register_kind(
            KIND,
            model=CasePage,
            label=_("Case study"),
            label_plural=_("Case studies"),
            to_document=case_to_document,
            queryset=case_queryset,
        )
