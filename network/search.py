"""How members become documents of the knowledge index (groups: `network.groups.search`).

THE INDEX NEVER CARRIES A FIELD THAT IS NOT PUBLIC: a member's document is built only from the
fields whose visibility is public, and only for active members whose profile is listed (service
and staff accounts are not: `Member.listed`). Everything else returns None (and so removes the
document): the directory, the home page's latest members and search all read the index.
"""

from __future__ import annotations

from django.db import models

from network.models import Member, MemberStatus
from network.selectors import member_public_fields
from portal.rich_text import plain_text
from search.documents import SearchDocument, vocabulary_keys

MEMBER_KIND = "member"


def member_queryset() -> models.QuerySet[Member]:
    """Every member the index should hold, with what a document needs."""
    return (
        Member.objects.filter(status=MemberStatus.ACTIVE, listed=True)
        .select_related("user", "country", "organisation_type", "ncp_country")
        .prefetch_related("methods", "themes")
    )


def member_to_document(member: Member) -> SearchDocument | None:
    """The public face of an active, listed member, or None."""
    if member.status != MemberStatus.ACTIVE or not member.listed or not member.user.is_active:
        return None
    public = member_public_fields(member)
    organisation = member.organisation if "organisation" in public else ""
    country = member.country if "country" in public else None
    summary = " · ".join(part for part in (organisation, country.name if country else "") if part)
    return SearchDocument(
        id=f"{MEMBER_KIND}:{member.pk}",
        kind=MEMBER_KIND,
        url=member.get_absolute_url(),
        title=member.display_name,
        summary=summary,
        body=plain_text(member.bio) if "bio" in public else "",
        # the bio is the document's only free text: its language is the one the member chose
        language=member.written_in,  # "" (not said) rather than a guess
        date=member.created_at.date() if member.created_at else None,
        countries=(country.key,) if country else (),
        organisation_types=(
            (member.organisation_type.key,)
            if "organisation_type" in public and member.organisation_type
            else ()
        ),
        roles=tuple(member.roles) if "roles" in public else (),
        methods=vocabulary_keys(member.methods) if "expertise" in public else (),
        themes=vocabulary_keys(member.themes) if "expertise" in public else (),
        skills=tuple(sorted(member.skills)) if "skills" in public else (),
        looking_for=tuple(sorted(member.looking_for)) if "exchange" in public else (),
        offering=tuple(sorted(member.offering)) if "exchange" in public else (),
    )
