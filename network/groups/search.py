"""How a group becomes a document of the knowledge index: its name, description and themes,
all public (who is in it is not indexed)."""

from __future__ import annotations

from django.db import models

from network.groups.models import Group
from portal.rich_text import plain_text
from search.documents import SearchDocument, vocabulary_keys

KIND = "group"


def group_queryset() -> models.QuerySet[Group]:
    """Every group, with what its document needs."""
    return Group.objects.prefetch_related("themes", "methods", "countries")


def group_to_document(group: Group) -> SearchDocument | None:
    """The search document of a group (every group is public)."""
    return SearchDocument(
        id=f"{KIND}:{group.pk}",
        kind=KIND,
        url=group.get_absolute_url(),
        title=group.name,
        summary=plain_text(group.description)[:300],
        body=plain_text(group.description),
        language=group.written_in or SearchDocument.language,
        date=group.created_at.date() if group.created_at else None,
        themes=vocabulary_keys(group.themes),
        methods=vocabulary_keys(group.methods),
        countries=vocabulary_keys(group.countries),
    )
