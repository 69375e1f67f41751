"""E-mail that the mail server did not take when the site sent it, kept to be sent again."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One message waiting for the mail server (see `portal.outgoing_mail`): `manage.py
    mail_retry` sends it and deletes the row once the server has taken it."""

    created_at = models.DateTimeField(_("first tried"), default=timezone.now)
    mailer = models.CharField(_("mailer"), max_length=100)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    # subject, body, addresses, headers, alternatives and attachments (base64)
    message = models.JSONField(_("message"))
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_attempt_at = models.DateTimeField(_("last tried"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("e-mail waiting to be sent")
        verbose_name_plural = _("e-mails waiting to be sent")

    def __str__(self) -> str:
        return self.subject
