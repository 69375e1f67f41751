"""The network's thematic groups: a group, a member's place in it, and invitations by e-mail
(app label `network`: `network.models` imports them, so their tables are the network's)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import text_limits
from portal.languages import written_in_field


class GroupPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    REQUEST = "request", _("By request: facilitators accept members")
    INVITATION = "invitation", _("By invitation only")


class Group(models.Model):
    """A thematic group of members."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = text_limits.SanitisedHTMLField(
        _("description"),
        max_length=text_limits.GROUP_DESCRIPTION,
        blank=True,
        help_text=_("Sanitised HTML."),
    )
    # the language its founder wrote the name and description in
    written_in = written_in_field()
    policy = models.CharField(
        _("who can join"), max_length=20, choices=GroupPolicy.choices, default=GroupPolicy.OPEN
    )
    themes = models.ManyToManyField(
        "portal.Theme", verbose_name=_("themes"), blank=True, related_name="+"
    )
    methods = models.ManyToManyField(
        "portal.Method", verbose_name=_("methods"), blank=True, related_name="+"
    )
    countries = models.ManyToManyField(
        "portal.Country", verbose_name=_("countries"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:group", args=[self.slug])


class GroupRole(models.TextChoices):
    MEMBER = "member", _("Member")
    FACILITATOR = "facilitator", _("Facilitator")


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACTIVE = "active", _("Active")


class GroupMembership(models.Model):
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        "network.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group", "-role", "member__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="network_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.group}"


class Invitation(models.Model):
    """An invitation by e-mail to a group. Only the token's hash is stored; it works once and
    until `expires_at`."""

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        "network.Member",
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(
        "network.Member",
        verbose_name=_("used by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.group}"
