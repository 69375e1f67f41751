from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Site configuration and site-wide pages; the folder site/ imported as `portal`."""

    name = "portal"
    label = "portal"
    verbose_name = _("Site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.vocabulary_labels import register_label_providers

        register_label_providers()
