from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal.outgoing_mail import outgoing_mail_retry


class Command(BaseCommand):
    help = _(
        "Send again the e-mail the mail server did not take (kept in the outgoing mail table), "
        "oldest first. The task worker runs it too once the server takes a message again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=None, help=_("Send at most this many messages.")
        )

    def handle(self, *args, limit, **options):
        outcome = outgoing_mail_retry(limit=limit)
        self.stdout.write(
            _("%(sent)d sent, %(failed)d refused again, %(waiting)d waiting.")
            % {"sent": outcome.sent, "failed": outcome.failed, "waiting": outcome.waiting}
        )
