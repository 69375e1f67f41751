from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Knowledge index")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from search.models import SynonymGroup
        from search.synonyms import synonyms_changed

        # signals, not save() and delete(): the admin's bulk delete deletes a queryset
        post_save.connect(synonyms_changed, sender=SynonymGroup, dispatch_uid="search_synonyms")
        post_delete.connect(synonyms_changed, sender=SynonymGroup, dispatch_uid="search_synonyms")
