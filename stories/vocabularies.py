"""The fixed vocabularies of stories: kind, blameless root causes, disclosure, workshop states.

Keys are what the knowledge index stores (`outcome`, `root_causes` facets); labels are shown.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoryKind(models.TextChoices):
    SUCCESS = "success", _("Success")
    SLIP_UP = "slip-up", _("Slip-up")
    UNFINISHED = "unfinished", _("Unfinished")


class RootCause(models.TextChoices):
    """Why it went the way it did, named without blaming people."""

    ASSUMPTION = "assumption", _("An assumption that did not hold")
    PROCUREMENT = "procurement", _("Procurement")
    LEGAL = "legal", _("Legal or regulatory")
    DATA = "data", _("Data")
    STAKEHOLDERS = "stakeholders", _("Stakeholders")
    CAPACITY = "capacity", _("Capacity")
    TIMING = "timing", _("Timing")
    TECHNOLOGY = "technology", _("Technology")
    FUNDING = "funding", _("Funding")
    OTHER = "other", _("Other")


class Disclosure(models.TextChoices):
    """Who may read the story and whether it names its author; the author chooses."""

    PUBLIC_NAMED = "public-named", _("Public, with my name")
    PUBLIC_ANONYMOUS = "public-anonymous", _("Public, without my name")
    MEMBERS = "members", _("Signed-in members only, with my name")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class DraftStatus(models.TextChoices):
    """A story drafted in a workshop: private until its author consents and an editor reviews."""

    PRIVATE = "private", _("Private draft")
    SUBMITTED = "submitted", _("Shared for review")
    ACCEPTED = "accepted", _("Accepted as a story")
    DECLINED = "declined", _("Not taken up")
