"""The network: member profiles, their roles and the NCP audit log; the thematic groups and
invitations are `network.groups.models`, imported here because this is Django's models module.

A `Member` is the profile of one account (`user.member`). Each profile field has a visibility
(public, members only, private); `network.visibility` decides who sees what, and the knowledge
index is built only from public fields of active members (`network.search`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Django registers the models its models module imports: the groups' are the network app's too.
from network.groups.models import (  # noqa: F401
    Group,
    GroupMembership,
    GroupPolicy,
    GroupRole,
    Invitation,
    MembershipStatus,
)
from network.vocabularies import EXCHANGE, SKILLS
from portal import text_limits
from portal.languages import written_in_field


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Signed-in members")
    PRIVATE = "private", _("Only me, NCPs and editors")


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    AMBASSADOR = "ambassador", _("Ambassador")
    NCP = "ncp", _("National contact point")
    EDITOR = "editor", _("Editor")
    ADMINISTRATOR = "administrator", _("Administrator")


class MemberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    DEACTIVATED = "deactivated", _("Deactivated")
    DELETED = "deleted", _("Former member")


# The profile fields that carry a visibility, with their default. Contact details are never
# public: the issue shows them to signed-in members only.
VISIBILITY_FIELDS: dict[str, Visibility] = {
    "organisation": Visibility.PUBLIC,
    "organisation_type": Visibility.PUBLIC,
    "country": Visibility.PUBLIC,
    "municipality": Visibility.MEMBERS,
    "roles": Visibility.PUBLIC,
    "expertise": Visibility.PUBLIC,  # methods and themes
    "skills": Visibility.PUBLIC,
    "exchange": Visibility.PUBLIC,  # looking for and offering
    "bio": Visibility.PUBLIC,
    "photo": Visibility.MEMBERS,
    "links": Visibility.PUBLIC,
    "contact": Visibility.MEMBERS,
}
NEVER_PUBLIC = frozenset({"contact"})
FORMER_MEMBER = _("Former member")


class Member(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="member",
    )
    display_name = models.CharField(_("display name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    organisation_type = models.ForeignKey(
        "portal.OrganisationType",
        verbose_name=_("organisation type"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    country = models.ForeignKey(
        "portal.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    # The residence an NCP of the member's country or an organiser of a participatory budget
    # confirmed (at approval, or later): account voting trusts this, never what the member typed
    # above, which waits here until someone confirms it (`network.services`).
    residence_country = models.ForeignKey(
        "portal.Country",
        verbose_name=_("confirmed country of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    residence_municipality = models.CharField(
        _("confirmed municipality"), max_length=120, blank=True, editable=False
    )
    residence_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("residence confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    residence_confirmed_at = models.DateTimeField(
        _("residence confirmed"), null=True, blank=True, editable=False
    )
    methods = models.ManyToManyField(
        "portal.Method", verbose_name=_("methods"), blank=True, related_name="+"
    )
    themes = models.ManyToManyField(
        "portal.Theme", verbose_name=_("themes"), blank=True, related_name="+"
    )
    # keys of network.vocabularies.SKILLS and EXCHANGE
    skills = models.JSONField(_("core skills"), default=list, blank=True)
    looking_for = models.JSONField(_("looking for"), default=list, blank=True)
    offering = models.JSONField(_("offering"), default=list, blank=True)
    bio = text_limits.SanitisedHTMLField(
        _("short bio"), max_length=text_limits.BIO, blank=True, help_text=_("Sanitised HTML.")
    )
    # the language the member writes their bio in: readers of the site in another language
    # get it marked with its own `lang` and a short note
    written_in = written_in_field()
    photo = models.ImageField(_("photo"), upload_to="network/photos/", blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    visibility = models.JSONField(_("visibility of each field"), default=dict, blank=True)

    # what the applicant wrote on the sign-up form, for the NCP who decides on the request
    motivation = text_limits.PlainTextField(
        _("why they want to join"), max_length=text_limits.MOTIVATION, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.PENDING
    )
    # Service and staff accounts (the site's administrator, a shared editors' account) have a
    # profile so that they can act, but are not people to find: unlisted profiles stay out of
    # the directory, the home page and search (`network.search`).
    listed = models.BooleanField(
        _("listed in the directory and search"),
        default=True,
        help_text=_(
            "Untick for service and staff accounts: their profile stays out of the member "
            "directory, the home page and search."
        ),
    )
    rejection_reason = text_limits.PlainTextField(
        _("reason for rejection"), max_length=text_limits.REASON, blank=True
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    is_ambassador = models.BooleanField(_("ambassador"), default=False)
    is_editor = models.BooleanField(_("editor"), default=False)
    ncp_country = models.ForeignKey(
        "portal.Country",
        verbose_name=_("national contact point for"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_points",
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["display_name", "pk"]
        indexes = [models.Index(fields=["country", "status"])]

    def __str__(self) -> str:
        return self.public_name

    def get_absolute_url(self) -> str:
        return reverse("network:member", args=[self.pk])

    @property
    def public_name(self) -> str:
        """The name shown next to contributions: "Former member" once the account is gone."""
        if self.status == MemberStatus.DELETED:
            return str(FORMER_MEMBER)
        return self.display_name

    @property
    def is_active_member(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def residence_pending(self) -> bool:
        """Does the country or municipality the member typed differ from the confirmed one?"""
        if self.country_id is None and not self.municipality:
            return False
        return (
            self.country_id != self.residence_country_id
            or self.municipality != self.residence_municipality
        )

    @property
    def roles(self) -> list[str]:
        """Role keys, in the order of `Role`; everyone is a practitioner."""
        roles = [Role.PRACTITIONER.value]
        if self.is_ambassador:
            roles.append(Role.AMBASSADOR.value)
        if self.ncp_country_id:
            roles.append(Role.NCP.value)
        if self.is_editor:
            roles.append(Role.EDITOR.value)
        if self.user.is_superuser:
            roles.append(Role.ADMINISTRATOR.value)
        return roles

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]

    def skill_labels(self) -> list[str]:
        return [str(SKILLS[key]) for key in self.skills if key in SKILLS]

    def looking_for_labels(self) -> list[str]:
        return [str(EXCHANGE[key]) for key in self.looking_for if key in EXCHANGE]

    def offering_labels(self) -> list[str]:
        return [str(EXCHANGE[key]) for key in self.offering if key in EXCHANGE]

    def visibility_of(self, field: str) -> str:
        """The visibility of a profile field: the member's choice, or the default."""
        default = VISIBILITY_FIELDS[field]
        value = (self.visibility or {}).get(field, default)
        if value not in Visibility.values or (field in NEVER_PUBLIC and value == Visibility.PUBLIC):
            return default
        return value


class AuditAction(models.TextChoices):
    APPROVE = "approve", _("approved the membership")
    REJECT = "reject", _("rejected the membership")
    EDIT = "edit", _("edited the profile")
    DEACTIVATE = "deactivate", _("deactivated the member")
    REACTIVATE = "reactivate", _("reactivated the member")
    AMBASSADOR_NAME = "ambassador_name", _("named as ambassador")
    AMBASSADOR_REMOVE = "ambassador_remove", _("removed as ambassador")
    ROLES = "roles", _("changed the roles")
    RESIDENCE = "residence", _("confirmed the residence")


class AuditLogEntry(models.Model):
    """One action of an NCP or an editor on a member's profile: who, what, on whom, when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=150)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="audit_entries",
    )
    member_name = models.CharField(_("member (name)"), max_length=150)
    country = models.ForeignKey(
        "portal.Country",
        verbose_name=_("country"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_action_display()}: {self.member_name}"
