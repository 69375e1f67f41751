"""Writes of the network: joining, NCP decisions, profile edits, groups, invitations, privacy.

Each service checks permissions itself (views check too, to answer early) and runs in one
transaction; every action of an NCP or editor on someone else's profile writes an audit log row
in that same transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from network import permissions
from network.models import (
    AuditAction,
    AuditLogEntry,
    Group,
    GroupMembership,
    GroupPolicy,
    GroupRole,
    Invitation,
    Member,
    MembershipStatus,
    MemberStatus,
)
from portal.rich_text import sanitise_html

INVITATION_LIFETIME = datetime.timedelta(days=7)

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
    "photo",
    "links",
    "contact_email",
    "phone",
    "visibility",
)


class InvitationInvalid(Exception):
    """The invitation token is unknown, used or expired; the message says which."""


def _actor_name(actor) -> str:
    member = getattr(actor, "member", None) if actor is not None else None
    try:
        if member is not None:
            return member.display_name
    except Member.DoesNotExist:  # pragma: no cover - getattr already caught it
        pass
    return actor.get_username() if actor is not None else ""


def _audit(*, actor, action: str, member: Member, details: dict | None = None) -> AuditLogEntry:
    return AuditLogEntry.objects.create(
        actor=actor,
        actor_name=_actor_name(actor),
        action=action,
        member=member,
        member_name=member.display_name,
        country_id=member.country_id,
        details=details or {},
    )


def _notify(*, to: str, subject: str, message: str) -> None:
    """Send an e-mail once the transaction has committed (nothing is sent for a rollback).

    A mail server that is down does not undo the decision: the site's mailer keeps the message
    for `mail_retry` (portal.outgoing_mail)."""
    if not to:
        return
    # one line: a group's or member's name may hold a line break, which a header cannot
    subject = " ".join(f"[Kokeilu] {subject}".split())
    transaction.on_commit(lambda: send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [to]))


def _require_manage(actor, member: Member) -> None:
    if not permissions.member_can_manage(actor, member):
        raise PermissionDenied(_("You do not manage members of this country."))


@transaction.atomic
def member_register(
    *, user, display_name: str, country=None, organisation: str = "", organisation_type=None
) -> Member:
    """Create the profile of a new account; the membership waits for approval."""
    member, _created = Member.objects.get_or_create(
        user=user,
        defaults={
            "display_name": display_name.strip() or user.get_username(),
            "country": country,
            "organisation": organisation.strip(),
            "organisation_type": organisation_type,
            "status": MemberStatus.PENDING,
            "contact_email": user.email,
        },
    )
    return member


@transaction.atomic
def member_update(
    *,
    actor,
    member: Member,
    changes: dict[str, Any],
    methods=None,
    themes=None,
) -> Member:
    """Change profile fields (only those in PROFILE_FIELDS); the bio is sanitised. An edit by
    someone other than the owner is audited with the names of the changed fields."""
    if not permissions.member_can_edit(actor, member):
        raise PermissionDenied(_("You cannot edit this profile."))
    changed: list[str] = []
    for name, value in changes.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"{name} is not a profile field")
        if name == "bio":
            value = sanitise_html(value or "")
        if name == "photo" and value is None:
            continue  # no new upload: keep the photo
        if getattr(member, name) != value:
            setattr(member, name, value)
            changed.append(name)
    if (
        member.country_id
        and "country" in changed
        and member.user_id != actor.pk
        and not permissions.is_network_editor(actor)
    ):
        # an NCP cannot move a member out of their own country (and so out of their reach)
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


@transaction.atomic
def member_approve(*, actor, member: Member) -> Member:
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
    _notify(
        to=member.user.email,
        subject=_("Welcome to the network"),
        message=_("Your membership has been approved. Your profile is now in the directory."),
    )
    return member


@transaction.atomic
def member_reject(*, actor, member: Member, reason: str) -> Member:
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
    _notify(
        to=member.user.email,
        subject=_("Your membership request"),
        message=_("Your membership request was not approved. Reason: %(reason)s")
        % {"reason": reason},
    )
    return member


@transaction.atomic
def member_deactivate(*, actor, member: Member, reason: str = "") -> Member:
    """Take an active member out of the directory (the account can still sign in)."""
    _require_manage(actor, member)
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
def member_reactivate(*, actor, member: Member) -> Member:
    _require_manage(actor, member)
    if member.status != MemberStatus.DEACTIVATED:
        raise ValidationError(_("Only deactivated members can be reactivated."))
    member.status = MemberStatus.ACTIVE
    member.status_changed_at = timezone.now()
    member.save()
    _audit(actor=actor, action=AuditAction.REACTIVATE, member=member)
    return member


@transaction.atomic
def member_ambassador_set(*, actor, member: Member, ambassador: bool) -> Member:
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


def _residence_set(member: Member, *, actor, country, municipality: str) -> None:
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
def member_residence_confirm(*, actor, member: Member) -> Member:
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
    *, actor, member: Member, country, municipality: str, details: dict | None = None
) -> Member:
    """Store a confirmed residence and audit it, in the caller's transaction.

    The caller has checked who may confirm: `member_residence_confirm` (NCPs and editors) or
    `budgeting.services.voter_residence_confirm` (organisers of a participatory budget, for
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
    stored = (
        Member.objects.filter(pk=member.pk)
        .values("ncp_country__key", "is_editor", "is_ambassador")
        .first()
    ) or {}
    return {
        "ncp_country": stored.get("ncp_country__key") or "",
        "is_editor": bool(stored.get("is_editor")),
        "is_ambassador": bool(stored.get("is_ambassador")),
    }


def member_roles_audit(*, actor, member: Member, before: dict[str, Any]) -> AuditLogEntry | None:
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
    for name in ("organisation", "municipality", "bio", "contact_email", "phone"):
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


def _sessions_end(user) -> None:
    from django.contrib.sessions.models import Session

    # Sessions are signed blobs; the database backend needs a scan. Small sites only keep a few.
    for session in Session.objects.filter(expire_date__gte=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


# Groups


@transaction.atomic
def group_create(
    *, actor, name: str, description: str = "", policy: str = GroupPolicy.OPEN, themes=()
) -> Group:
    """Create a group; its creator is its first facilitator."""
    permissions.active_member_require(actor)
    if not hasattr(actor, "member"):
        raise PermissionDenied(_("Only active members can create groups."))
    base = slugify(name)[:150] or "group"
    slug, n = base, 1
    while Group.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    group = Group(
        name=name.strip(), slug=slug, description=sanitise_html(description), policy=policy
    )
    group.full_clean()
    group.save()
    group.themes.set(themes)
    GroupMembership.objects.create(
        group=group, member=actor.member, role=GroupRole.FACILITATOR, status=MembershipStatus.ACTIVE
    )
    return group


@transaction.atomic
def group_join(*, actor, group: Group) -> GroupMembership:
    """Join an open group, or ask to join a group by request; invitation-only groups refuse."""
    permissions.active_member_require(actor)
    if not hasattr(actor, "member"):
        raise PermissionDenied(_("Only active members can join groups."))
    existing = GroupMembership.objects.filter(group=group, member=actor.member).first()
    if existing is not None:
        return existing
    if group.policy == GroupPolicy.INVITATION:
        raise PermissionDenied(_("This group is by invitation only."))
    status = (
        MembershipStatus.ACTIVE if group.policy == GroupPolicy.OPEN else MembershipStatus.REQUESTED
    )
    return GroupMembership.objects.create(group=group, member=actor.member, status=status)


@transaction.atomic
def group_leave(*, actor, group: Group) -> None:
    """Leave a group (or take back a request). Open whatever the membership's status: it only
    takes the account's own data out, like deleting the account."""
    GroupMembership.objects.filter(group=group, member__user=actor).delete()


def group_is_facilitator(actor, group: Group) -> bool:
    """Does `actor` act as a facilitator of `group`: a network editor, or an active member
    facilitating it (a deactivated facilitator no longer decides or invites)?"""
    if permissions.is_network_editor(actor):
        return True
    return (
        permissions.is_active_member(actor)
        and GroupMembership.objects.filter(
            group=group,
            member__user=actor,
            role=GroupRole.FACILITATOR,
            status=MembershipStatus.ACTIVE,
        ).exists()
    )


def group_is_member(actor, group: Group) -> bool:
    """Does `actor` act as a member of `group`: an active member whose place in it is active?"""
    return (
        permissions.is_active_member(actor)
        and GroupMembership.objects.filter(
            group=group, member__user=actor, status=MembershipStatus.ACTIVE
        ).exists()
    )


@transaction.atomic
def group_request_decide(*, actor, membership: GroupMembership, accept: bool) -> None:
    """A facilitator accepts or declines a request to join."""
    permissions.active_member_require(actor)
    if not group_is_facilitator(actor, membership.group):
        raise PermissionDenied(_("Only the group's facilitators decide on requests."))
    if membership.status != MembershipStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    if accept:
        membership.status = MembershipStatus.ACTIVE
        membership.save(update_fields=["status"])
    else:
        membership.delete()


@transaction.atomic
def group_facilitator_set(*, actor, membership: GroupMembership, facilitator: bool) -> None:
    permissions.active_member_require(actor)
    if not group_is_facilitator(actor, membership.group):
        raise PermissionDenied(_("Only the group's facilitators change roles."))
    membership.role = GroupRole.FACILITATOR if facilitator else GroupRole.MEMBER
    membership.save(update_fields=["role"])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(*, actor, group: Group, email: str, base_url: str = "") -> str:
    """Invite someone by e-mail; returns the token (only its hash is stored).

    Group members may invite; in invitation-only groups only facilitators may. Either needs
    an active membership of the network."""
    permissions.active_member_require(actor)
    is_facilitator = group_is_facilitator(actor, group)
    if not (is_facilitator or group_is_member(actor, group)):
        raise PermissionDenied(_("Only members of the group can invite."))
    if group.policy == GroupPolicy.INVITATION and not is_facilitator:
        raise PermissionDenied(_("Only facilitators invite to this group."))
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        group=group,
        email=email.strip().lower(),
        token_hash=_token_hash(token),
        invited_by=actor.member,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    link = base_url + reverse("network:invitation", args=[token])
    _notify(
        to=email,
        subject=_("An invitation to the group %(group)s") % {"group": group.name},
        message=_(
            "%(name)s invites you to the group “%(group)s” of the Kokeilu network.\n\n"
            "Accept within 7 days: %(link)s\n\nThe link works once."
        )
        % {"name": actor.member.display_name, "group": group.name, "link": link},
    )
    return token


def invitation_find(token: str) -> Invitation:
    """The usable invitation of a token; InvitationInvalid says why it is not usable."""
    invitation = (
        Invitation.objects.select_related("group").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None:
        raise InvitationInvalid(_("This invitation link is not valid."))
    if invitation.used_at is not None:
        raise InvitationInvalid(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(_("This invitation has expired. Ask for a new one."))
    return invitation


@transaction.atomic
def invitation_accept(*, actor, token: str) -> GroupMembership:
    """Use an invitation: the signed-in active member joins the group. Works once."""
    permissions.active_member_require(actor)
    if not hasattr(actor, "member"):
        raise PermissionDenied(_("Only active members can accept invitations."))
    invitation = invitation_find(token)
    # lock the row so that two simultaneous uses cannot both succeed
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:
        raise InvitationInvalid(_("This invitation has already been used."))
    invitation.used_at = timezone.now()
    invitation.used_by = actor.member
    invitation.save(update_fields=["used_at", "used_by"])
    membership, created = GroupMembership.objects.get_or_create(
        group=invitation.group, member=actor.member, defaults={"status": MembershipStatus.ACTIVE}
    )
    if not created and membership.status != MembershipStatus.ACTIVE:
        membership.status = MembershipStatus.ACTIVE
        membership.save(update_fields=["status"])
    return membership
