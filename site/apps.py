from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Site configuration and site-wide pages; the folder site/ imported as `portal`."""

    name = "portal"
    label = "portal"
    verbose_name = _("Site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import (
            deployment,  # noqa: F401  (registers the system checks)
            lookups,  # noqa: F401  (integer `__in` ignores out-of-range ids)
        )
        from portal.csv_export import wagtail_exports_neutralise
        from portal.site_address import default_site_address_after_migrate
        from portal.vocabulary_labels import register_label_providers

        register_label_providers()
        wagtail_exports_neutralise()
        post_migrate.connect(default_site_address_after_migrate, sender=self)
