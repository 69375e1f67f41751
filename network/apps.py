from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from network.groups import search as group_search
        from network.groups.models import Group
        from network.models import Member, Role
        from network.permissions import is_active_member
        from network.search import MEMBER_KIND, member_queryset, member_to_document
        from network.vocabularies import exchange_labels, skill_labels
        from search.registry import register_kind, register_labels, register_members_reader

        register_kind(
            MEMBER_KIND,
            model=Member,
            label=_("Member"),
            label_plural=_("Members"),
            to_document=member_to_document,
            queryset=member_queryset,
        )
        register_kind(
            group_search.KIND,
            model=Group,
            label=_("Group"),
            label_plural=_("Groups"),
            to_document=group_search.group_to_document,
            queryset=group_search.group_queryset,
        )
        register_labels("skills", skill_labels)
        register_labels("exchange", exchange_labels)
        register_labels(
            "roles", lambda keys: {k: str(Role(k).label) for k in keys if k in Role.values}
        )
        # the one rule for members-only content reaches search without search importing us
        register_members_reader(is_active_member)
