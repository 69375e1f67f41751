"""Reads of the network: what a viewer may see of a profile, NCP work lists, the privacy export."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from network import permissions
from network.models import (
    VISIBILITY_FIELDS,
    AuditLogEntry,
    Member,
    MemberStatus,
    Visibility,
)
from network.permissions import ManagedCountries


def member_visible_fields(*, viewer, member: Member) -> frozenset[str]:
    """The visibility-controlled fields of `member` that `viewer` may see.

    Everyone sees public fields; signed-in active members also see members-only fields; the
    owner, the NCP of the member's country and editors see everything.
    """
    if permissions.member_can_see_private(viewer, member):
        allowed = {Visibility.PUBLIC, Visibility.MEMBERS, Visibility.PRIVATE}
    elif permissions.is_active_member(viewer):
        allowed = {Visibility.PUBLIC, Visibility.MEMBERS}
    else:
        allowed = {Visibility.PUBLIC}
    return frozenset(name for name in VISIBILITY_FIELDS if member.visibility_of(name) in allowed)


def member_public_fields(member: Member) -> frozenset[str]:
    """What anyone may see, and so what the knowledge index may carry."""
    return frozenset(
        name for name in VISIBILITY_FIELDS if member.visibility_of(name) == Visibility.PUBLIC
    )


def member_queryset() -> models.QuerySet[Member]:
    return Member.objects.select_related("user", "country", "organisation_type", "ncp_country")


def member_get(pk: int) -> Member | None:
    return member_queryset().prefetch_related("methods", "themes").filter(pk=pk).first()


def _scoped(queryset: models.QuerySet, scope: ManagedCountries) -> models.QuerySet:
    """Limit to the countries a manager manages (a query with no row when they manage none)."""
    if scope.every_country:
        return queryset
    return queryset.filter(country__in=scope.countries)


def members_pending(*, scope: ManagedCountries) -> models.QuerySet[Member]:
    """Requests waiting for a decision whose applicants confirmed their e-mail, oldest first."""
    return (
        _scoped(member_queryset(), scope)
        .filter(status=MemberStatus.PENDING, user__emailaddress__verified=True)
        .distinct()
        .order_by("created_at", "pk")
    )


def members_managed(*, scope: ManagedCountries, status: str = "") -> models.QuerySet[Member]:
    """The members a manager sees on the dashboard (not pending, not deleted)."""
    queryset = _scoped(member_queryset(), scope).exclude(
        status__in=[MemberStatus.PENDING, MemberStatus.DELETED]
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("display_name", "pk")


def members_residence_pending(*, scope: ManagedCountries) -> models.QuerySet[Member]:
    """Active members whose country or municipality differs from their confirmed residence
    (a change they made, or never confirmed): the NCP's list to confirm, oldest change first."""
    unconfirmed = (
        models.Q(residence_confirmed_at__isnull=True)
        | ~models.Q(residence_country=models.F("country"))
        | ~models.Q(residence_municipality=models.F("municipality"))
    )
    return (
        _scoped(member_queryset(), scope)
        .select_related("residence_country")
        .filter(unconfirmed, status=MemberStatus.ACTIVE, country__isnull=False)
        .order_by("updated_at", "pk")
    )


def audit_entries(*, scope: ManagedCountries) -> models.QuerySet[AuditLogEntry]:
    """The audit log's entries about members of the countries in `scope`, newest first."""
    return _scoped(AuditLogEntry.objects.select_related("country"), scope)


def member_export(*, member: Member) -> dict:
    """Everything the site holds about a member, as JSON-ready data (the privacy export).

    Beyond the network's own tables it lists every object of other apps that points to the
    profile or the account (cases, stories, proposals...), found through the model relations,
    so that an app added later is included without changing this function.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user = member.user
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=user)
            ],
            "authenticators": [
                {"type": a.type, "created_at": a.created_at.isoformat()}
                for a in Authenticator.objects.filter(user=user)
            ],
        },
        "profile": {
            "id": member.pk,
            "display_name": member.display_name,
            "organisation": member.organisation,
            "organisation_type": member.organisation_type.key if member.organisation_type else None,
            "country": member.country.key if member.country else None,
            "municipality": member.municipality,
            "confirmed_residence": {
                "country": member.residence_country.key if member.residence_country else None,
                "municipality": member.residence_municipality,
                "confirmed_at": member.residence_confirmed_at.isoformat()
                if member.residence_confirmed_at
                else None,
            },
            "methods": sorted(member.methods.values_list("key", flat=True)),
            "themes": sorted(member.themes.values_list("key", flat=True)),
            "skills": list(member.skills),
            "looking_for": list(member.looking_for),
            "offering": list(member.offering),
            "bio": member.bio,
            "written_in": member.written_in,
            "photo": member.photo.url if member.photo else None,
            "links": list(member.links),
            "contact_email": member.contact_email,
            "phone": member.phone,
            "visibility": {name: member.visibility_of(name) for name in VISIBILITY_FIELDS},
            "motivation": member.motivation,
            "listed": member.listed,
            "status": member.status,
            "rejection_reason": member.rejection_reason,
            "roles": member.roles,
            "ncp_country": member.ncp_country.key if member.ncp_country else None,
            "created_at": member.created_at.isoformat(),
        },
        "groups": [
            {
                "group": m.group.name,
                "url": m.group.get_absolute_url(),
                "role": m.role,
                "status": m.status,
                "since": m.created_at.isoformat(),
            }
            for m in member.memberships.select_related("group")
        ],
        "invitations_sent": [
            {"group": i.group.name, "email": i.email, "sent": i.created_at.isoformat()}
            for i in member.invitations_sent.select_related("group")
        ],
        "decisions_about_you": [
            {
                "action": e.action,
                "by": e.actor_name,
                "when": e.created_at.isoformat(),
                "details": e.details,
            }
            for e in member.audit_entries.all()
        ],
        "contributions": _related_objects(member) + _related_objects(user),
    }
    return data


# Relations of the network's own and of framework tables, exported above or holding no content.
_SKIPPED_APPS = {"network", "account", "mfa", "admin", "auth", "sessions", "contenttypes"}


def _related_objects(instance: models.Model) -> list[dict]:
    rows = []
    for relation in instance._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label in _SKIPPED_APPS or relation.one_to_one:
            continue
        if model._meta.app_label.startswith("wagtail") and relation.field.name != "owner":
            continue  # revisions, log entries, preferences: bookkeeping, not contributions
        accessor = relation.get_accessor_name()
        if accessor is None:
            continue  # a hidden relation (related_name "+"): no attribute to read
        try:
            objects = list(getattr(instance, accessor).all()[:500])
        except (AttributeError, ValueError):
            continue
        for obj in objects:
            url = obj.get_url() if hasattr(obj, "get_url") else ""
            if not url and hasattr(obj, "get_absolute_url"):
                try:
                    url = obj.get_absolute_url()
                except Exception:  # noqa: BLE001 - a URL is a nicety here
                    url = ""
            rows.append(
                {
                    "type": str(model._meta.verbose_name),
                    "relation": relation.field.name,
                    "id": obj.pk,
                    "title": str(obj),
                    "url": url or "",
                }
            )
    return rows
