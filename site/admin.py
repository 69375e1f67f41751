"""What operators read in the Django admin (`/django-admin/`, superusers): the e-mail kept
after the worker's retries (`OutgoingMail`). Failed and waiting tasks are beside it, under
"Tasks Database Backend" (django-tasks-db's own listing)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import OutgoingMail
from portal.outgoing_mail import outgoing_mail_retry


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Read-only: a kept message is sent again (action) or deleted, never edited."""

    list_display = ("subject", "recipients", "attempts", "created_at", "last_attempt_at")
    list_filter = ("mailer",)
    search_fields = ("subject",)
    readonly_fields = (
        "subject",
        "recipients",
        "mailer",
        "attempts",
        "created_at",
        "last_attempt_at",
        "last_error",
    )
    fields = readonly_fields
    actions = ["send_again"]

    @admin.display(description=gettext_lazy("to"))
    def recipients(self, mail: OutgoingMail) -> str:
        return ", ".join(mail.message.get("to", []))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutgoingMail | None = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Send all kept e-mail again now"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutgoingMail]) -> None:
        # outgoing_mail_retry goes oldest first and stops at an unreachable server: the
        # selection only starts it
        outcome = outgoing_mail_retry()
        self.message_user(
            request,
            _("%(sent)d sent, %(failed)d refused again, %(waiting)d waiting.")
            % {"sent": outcome.sent, "failed": outcome.failed, "waiting": outcome.waiting},
            messages.SUCCESS if not outcome.failed else messages.WARNING,
        )
