from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = _("Stories and workshops")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from network.models import Member
        from search.registry import register_kind, register_labels
        from stories import receivers, search
        from stories.models import StoryIndexPage, StoryPage
        from stories.workshops import receivers as workshop_receivers
        from stories.workshops import search as workshop_search
        from stories.workshops.models import WorkshopPage

        register_kind(
            search.KIND,
            model=StoryPage,
            label=_("Story"),
            label_plural=_("Stories"),
            to_document=search.story_to_document,
            queryset=search.story_queryset,
        )
        register_kind(
            workshop_search.KIND,
            model=WorkshopPage,
            label=_("Story workshop"),
            label_plural=_("Story workshops"),
            to_document=workshop_search.workshop_to_document,
            queryset=workshop_search.workshop_queryset,
        )
        register_labels("root_causes", search.root_cause_labels)
        post_save.connect(receivers.member_saved, sender=Member, dispatch_uid="stories_authors")
        post_save.connect(
            receivers.story_index_saved, sender=StoryIndexPage, dispatch_uid="stories_index"
        )
        post_save.connect(
            workshop_receivers.workshop_saved,
            sender=WorkshopPage,
            dispatch_uid="stories_workshop_places",
        )
