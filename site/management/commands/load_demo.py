from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.demo import DemoRefused, demo_load


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = _(
        "Load the demo site: home page, about and licence pages, settings, an admin account and "
        "sample content. Safe to run again; refuses to run under production settings."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=positive_int,
            default=None,
            help=_("Create at most this many items per content area (default: all)."),
        )

    def handle(self, *args, limit, **options):
        try:
            report = demo_load(limit=limit, stdout=self.stdout)
        except DemoRefused as error:
            raise CommandError(str(error)) from error

        if report.created:
            self.stdout.write(self.style.SUCCESS(_("Created:")))
            for item in report.created:
                self.stdout.write(f"  - {item}")
        else:
            self.stdout.write(self.style.SUCCESS(_("The demo was already loaded; nothing new.")))
        self.stdout.write(self.style.SUCCESS(_("Demo accounts:")))
        for username, password, role in report.accounts:
            self.stdout.write(
                _("  %(username)s / %(password)s (%(role)s)")
                % {"username": username, "password": password, "role": role}
            )
