"""Writes of the network's members: joining, NCP decisions, profile edits, roles, privacy
(groups and invitations: `network.groups.services`).

Each service checks permissions itself (views check too, to answer early) and runs in one
transaction; every action of an NCP or editor on someone else's profile writes an audit log row
in that same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network import permissions
from network.mail import notice_send
from network.models import (
    VISIBILITY_FIELDS,
    AuditAction,
    AuditLogEntry,
    Invitation,
    Member,
    MemberStatus,
)
from portal.languages import recipient_language
from portal.rich_text import sanitise_html

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Profile fields a form may change through `member_update` (roles and status have services).
PROFILE_FIELDS = (
    "display_name",
    "organisation",
    "organisation_type",
    "country",
    "municipality",
    "skills",
    "looking_for",
    "offering",
    "bio",
    "written_in",
    "photo",
    "links",
    "contact_email",
    "phone",
    "visibility",
)


def _actor_name(actor: User | AnonymousUser) -> str:
    member = getattr(actor, "member", None) if actor is not None else None
    try:
        if member is not None:
            return member.display_name
    except Member.DoesNotExist:  # pragma: no cover - getattr already caught it
        pass
    return actor.get_username() if actor is not None else ""


def _audit(
    *, actor: User, action: str, member: Member, details: dict | None = None
) -> AuditLogEntry:
    return AuditLogEntry.objects.create(
        actor=actor,
        actor_name=_actor_name(actor),
        action=action,
        member=member,
        member_name=member.display_name,
        country_id=member.country_id,
        details=details or {},
    )


def _require_manage(actor: User | AnonymousUser, member: Member) -> None:
    if not permissions.member_can_manage(actor, member):
        raise PermissionDenied(_("You do not manage members of this country."))


@transaction.atomic
def member_register(
    *,
    user: User,
    display_name: str,
    country=None,
    organisation: str = "",
    organisation_type=None,
    motivation: str = "",
    listed: bool = True,
) -> Member:
    """Create the profile of a new account; the membership waits for approval. `motivation`
    (why they want to join) is for the NCP who decides; `listed` is False for service and staff
    accounts, which stay out of the directory and search."""
    motivation = _text_normalised(motivation)
    Member._meta.get_field("motivation").run_validators(motivation)
    member, _created = Member.objects.get_or_create(
        user=user,
        defaults={
            "display_name": display_name.strip() or user.get_username(),
            "country": country,
            "organisation": organisation.strip(),
            "organisation_type": organisation_type,
            "motivation": motivation,
            "status": MemberStatus.PENDING,
            "contact_email": user.email,
            "listed": listed,
        },
    )
    return member


@transaction.atomic
def member_update(
    *,
    actor: User,
    member: Member,
    changes: dict[str, Any],
    methods=None,
    themes=None,
) -> Member:
    """Change profile fields (only those in PROFILE_FIELDS); the bio is sanitised. An edit by
    someone other than the owner is audited with the names of the fields whose value really
    changed: before and after are compared normalised (`profile_value_normalised`), so a form
    sent back untouched changes and audits nothing."""
    if not permissions.member_can_edit(actor, member):
        raise PermissionDenied(_("You cannot edit this profile."))
    changed: list[str] = []
    for name, value in changes.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"{name} is not a profile field")
        if name == "photo" and value is None:
            continue  # no new upload: keep the photo
        normalised = profile_value_normalised(name, value)
        if profile_value_normalised(name, getattr(member, name)) != normalised:
            # a new photo is stored as the upload itself (its name is only what is compared)
            setattr(member, name, value if name == "photo" else normalised)
            changed.append(name)
    if (
        member.country_id
        and "country" in changed
        and not permissions.member_can_change_country(actor, member)
    ):
        raise PermissionDenied(_("Only editors can move a member to another country."))
    # the changed fields' own checks (lengths above all), whatever form or script sent them
    member.clean_fields(exclude={field.name for field in Member._meta.fields} - set(changed))
    member.save()
    for name, terms in (("methods", methods), ("themes", themes)):
        if terms is None:
            continue
        before = set(getattr(member, name).values_list("pk", flat=True))
        if before != {term.pk for term in terms}:
            getattr(member, name).set(terms)
            changed.append(name)
    if member.user_id != actor.pk and changed:
        _audit(actor=actor, action=AuditAction.EDIT, member=member, details={"fields": changed})
    return member


def _text_normalised(value: str | None) -> str:
    # browsers send line breaks as CRLF; the stored text has LF, without outer white space
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _visibility_normalised(value: Mapping[str, str] | None) -> dict[str, str]:
    # {} and a dict naming every default say the same: compare what each field resolves to
    probe = Member(visibility=dict(value or {}))
    return {name: probe.visibility_of(name) for name in VISIBILITY_FIELDS}


# Vocabulary keys: their order says nothing (a form lists them in the vocabulary's order).
_KEY_SETS = frozenset({"skills", "looking_for", "offering"})
_TEXT_FIELDS = frozenset({"display_name", "organisation", "municipality", "contact_email", "phone"})


def profile_value_normalised(name: str, value: Any) -> Any:
    """A profile field's value as it is compared and stored: the bio sanitised, text without
    CRLF or outer white space, vocabulary keys sorted, every visibility spelled out. Two values
    that normalise alike are the same profile, so `member_update` neither stores nor audits a
    difference between them."""
    if name == "bio":
        return sanitise_html(_text_normalised(value))
    if name == "visibility":
        return _visibility_normalised(value)
    if name in _KEY_SETS:
        return sorted(value or [])
    if name == "links":
        return list(value or [])
    if name == "photo":
        return getattr(value, "name", value) or ""
    if name in _TEXT_FIELDS:
        return _text_normalised(value)
    return value  # a country or an organisation type (model instances compare by key)


@transaction.atomic
def member_approve(*, actor: User, member: Member) -> Member:
    """Approve a membership request: the member becomes active and appears in the directory."""
    _require_manage(actor, member)
    if member.status not in (MemberStatus.PENDING, MemberStatus.REJECTED):
        raise ValidationError(_("Only pending or rejected requests can be approved."))
    if not member_email_verified(member):
        raise ValidationError(_("The applicant has not confirmed their e-mail address yet."))
    member.status = MemberStatus.ACTIVE
    member.rejection_reason = ""
    member.status_changed_at = timezone.now()
    # the NCP approves the member as they presented themselves, residence included
    _residence_set(member, actor=actor, country=member.country, municipality=member.municipality)
    member.save()
    _audit(
        actor=actor,
        action=AuditAction.APPROVE,
        member=member,
        details={"residence": _residence_details(member)},
    )
    with recipient_language(member.user):
        notice_send(
            to=member.user.email,
            subject=_("Welcome to the network"),
            message=_("Your membership has been approved. Your profile is now in the directory."),
        )
    return member


@transaction.atomic
def member_reject(*, actor: User, member: Member, reason: str) -> Member:
    """Reject a membership request; the applicant sees the reason on their page."""
    _require_manage(actor, member)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the request is rejected: the applicant will see it."))
    if member.status != MemberStatus.PENDING:
        raise ValidationError(_("Only pending requests can be rejected."))
    member.status = MemberStatus.REJECTED
    member.rejection_reason = reason
    member.status_changed_at = timezone.now()
    member.clean_fields(
        exclude={field.name for field in Member._meta.fields} - {"rejection_reason"}
    )
    member.save()
    _audit(actor=actor, action=AuditAction.REJECT, member=member, details={"reason": reason})
    with recipient_language(member.user):
        notice_send(
            to=member.user.email,
            subject=_("Your membership request"),
            message=_("Your membership request was not approved. Reason: %(reason)s")
            % {"reason": reason},
        )
    return member


@transaction.atomic
def member_deactivate(*, actor: User, member: Member, reason: str = "") -> Member:
    """Take an active member out of the directory (the account can still sign in); never
    one's own membership nor an administrator's (`permissions.member_deactivate_refusal`)."""
    refusal = permissions.member_deactivate_refusal(actor, member)
    if refusal is not None:
        raise PermissionDenied(refusal)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(_("Only active members can be deactivated."))
    member.status = MemberStatus.DEACTIVATED
    member.status_changed_at = timezone.now()
    member.save()
    _audit(
        actor=actor,
        action=AuditAction.DEACTIVATE,
        member=member,
        details={"reason": reason.strip()},
    )
    return member


@transaction.atomic
def member_reactivate(*, actor: User, member: Member) -> Member:
    _require_manage(actor, member)
    if member.status != MemberStatus.DEACTIVATED:
        raise ValidationError(_("Only deactivated members can be reactivated."))
    member.status = MemberStatus.ACTIVE
    member.status_changed_at = timezone.now()
    member.save()
    _audit(actor=actor, action=AuditAction.REACTIVATE, member=member)
    return member


@transaction.atomic
def member_ambassador_set(*, actor: User, member: Member, ambassador: bool) -> Member:
    """Name an active member an ambassador of the network, or remove the role."""
    _require_manage(actor, member)
    if ambassador and member.status != MemberStatus.ACTIVE:
        raise ValidationError(_("Only active members can be named ambassadors."))
    if member.is_ambassador == ambassador:
        return member
    member.is_ambassador = ambassador
    member.save()
    _audit(
        actor=actor,
        action=AuditAction.AMBASSADOR_NAME if ambassador else AuditAction.AMBASSADOR_REMOVE,
        member=member,
    )
    return member


def _residence_set(member: Member, *, actor: User, country, municipality: str) -> None:
    member.residence_country = country
    member.residence_municipality = municipality.strip()
    member.residence_confirmed_by = actor
    member.residence_confirmed_at = timezone.now()


def _residence_details(member: Member) -> dict[str, str]:
    return {
        "country": member.residence_country.key if member.residence_country else "",
        "municipality": member.residence_municipality,
    }


@transaction.atomic
def member_residence_confirm(*, actor: User, member: Member) -> Member:
    """The NCP of the member's country (or an editor) confirms the country and municipality the
    member gave: from then on account voting trusts them. A member's own change of either waits
    for this; the confirmation is audited."""
    member = (
        Member.objects.select_for_update(of=("self",)).select_related("country").get(pk=member.pk)
    )
    if not permissions.member_can_confirm_residence(actor, member):
        raise PermissionDenied(_("You do not manage members of this country."))
    if member.country is None:
        raise ValidationError(_("The member has not given a country to confirm."))
    return member_residence_record(
        actor=actor, member=member, country=member.country, municipality=member.municipality
    )


def member_residence_record(
    *,
    actor: User,
    member: Member,
    country,
    municipality: str,
    details: dict | None = None,
) -> Member:
    """Store a confirmed residence and audit it, in the caller's transaction.

    The caller has checked who may confirm: `member_residence_confirm` (NCPs and editors) or
    `budgeting.voting.services.voter_residence_confirm` (organisers of a participatory budget, for
    its municipality)."""
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(
            _("Only active members' residence is confirmed: approving the membership does it.")
        )
    _residence_set(member, actor=actor, country=country, municipality=municipality)
    member.save(
        update_fields=[
            "residence_country",
            "residence_municipality",
            "residence_confirmed_by",
            "residence_confirmed_at",
            "updated_at",
        ]
    )
    _audit(
        actor=actor,
        action=AuditAction.RESIDENCE,
        member=member,
        details={**_residence_details(member), **(details or {})},
    )
    return member


# Roles administrators set in the Wagtail admin (Network > Members).
ROLE_FIELDS = ("ncp_country", "is_editor", "is_ambassador")


def member_roles_snapshot(member: Member) -> dict[str, Any]:
    """The member's stored roles, as the audit log shows them (a country by its key)."""
    stored: Mapping[str, Any] = (
        Member.objects.filter(pk=member.pk)
        .values("ncp_country__key", "is_editor", "is_ambassador")
        .first()
    ) or {}
    return {
        "ncp_country": stored.get("ncp_country__key") or "",
        "is_editor": bool(stored.get("is_editor")),
        "is_ambassador": bool(stored.get("is_ambassador")),
    }


def member_roles_audit(
    *, actor: User, member: Member, before: dict[str, Any]
) -> AuditLogEntry | None:
    """Write one audit row for the roles that differ from `before` (a `member_roles_snapshot`
    taken before the change), naming each role's old and new value; nothing when none did."""
    after = member_roles_snapshot(member)
    changes = {
        name: [before[name], after[name]] for name in ROLE_FIELDS if before[name] != after[name]
    }
    if not changes:
        return None
    return _audit(actor=actor, action=AuditAction.ROLES, member=member, details={"roles": changes})


def member_email_verified(member: Member) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user_id=member.user_id, verified=True).exists()


@transaction.atomic
def member_delete(*, member: Member) -> None:
    """Delete an account at its owner's request.

    The personal data goes: the profile is emptied, the e-mail addresses, authenticators,
    group memberships and the login are removed. The profile row stays, without anything
    personal, so that what the member published (cases, stories, proposals) stays and is
    attributed to "Former member".
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user = member.user
    if member.photo:
        member.photo.delete(save=False)
    member.display_name = str(_("Former member"))
    for name in ("organisation", "municipality", "bio", "motivation", "contact_email", "phone"):
        setattr(member, name, "")
    member.organisation_type = None
    member.country = None
    member.residence_country = member.residence_confirmed_by = member.residence_confirmed_at = None
    member.residence_municipality = ""
    member.skills, member.looking_for, member.offering, member.links = [], [], [], []
    member.visibility = {}
    member.is_ambassador = member.is_editor = False
    member.ncp_country = None
    member.rejection_reason = ""
    member.status = MemberStatus.DELETED
    member.status_changed_at = timezone.now()
    member.save()
    member.methods.clear()
    member.themes.clear()
    member.memberships.all().delete()
    Invitation.objects.filter(invited_by=member).delete()
    # the toolkit's saved list is personal and goes; "we used it" marks stay as anonymous counts
    bookmarks = getattr(member, "resource_bookmarks", None)
    if bookmarks is not None:
        bookmarks.filter(used=False).delete()
        bookmarks.update(saved=False)
    # the audit log keeps what happened, not who it happened to
    AuditLogEntry.objects.filter(member=member).update(member_name=str(_("Former member")))
    AuditLogEntry.objects.filter(actor=user).update(actor_name=str(_("Former member")))
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    _sessions_end(user)
    user.username = f"former-{user.pk}-{secrets.token_hex(4)}"
    user.email = ""
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _sessions_end(user: User | AnonymousUser) -> None:
    from django.contrib.sessions.models import Session

    # Sessions are signed blobs; the database backend needs a scan. Small sites only keep a few.
    for session in Session.objects.filter(expire_date__gte=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
