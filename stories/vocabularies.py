"""The fixed vocabularies of stories: kind, blameless root causes, disclosure (the workshops'
states are in `stories.workshops.vocabularies`).

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


# Until the author chooses, a story names nobody: of the three, only the anonymous one publishes
# no personal data of the author (a members-only story still shows their name to every member).
DEFAULT_DISCLOSURE = Disclosure.PUBLIC_ANONYMOUS
