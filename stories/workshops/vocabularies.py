"""The states of story workshops: a member's registration and a workshop draft."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
