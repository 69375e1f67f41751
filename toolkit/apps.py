from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToolkitConfig(AppConfig):
    name = "toolkit"
    verbose_name = _("Toolkit Navigator")

    def ready(self) -> None:
        from search.registry import register_kind, register_labels
        from toolkit.models import ResourcePage
        from toolkit.search import KIND, resource_queryset, resource_to_document
        from toolkit.vocabularies import label_providers

        register_kind(
            KIND,
            model=ResourcePage,
            label=_("Tool"),
            label_plural=_("Tools"),
            to_document=resource_to_document,
            queryset=resource_queryset,
        )
        for vocabulary, provider in label_providers().items():
            register_labels(vocabulary, provider)
