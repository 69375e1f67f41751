"""Create a PB process from a pabulib `.pb` file: its projects, ballots and counted results."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from budgeting.counting.pabulib import PabulibError, pabulib_read
from budgeting.exchange import process_from_pabulib


class Command(BaseCommand):
    help = _("Create a participatory budgeting process from a pabulib .pb file (or .pb.gz).")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the .pb file"))
        parser.add_argument("--slug", default="", help=_("the new process's slug"))
        parser.add_argument("--title", default="", help=_("the new process's title"))
        parser.add_argument(
            "--no-count", action="store_true", help=_("do not count the votes on import")
        )

    def handle(self, *args, file, slug, title, no_count, **options):
        try:
            pb = pabulib_read(file)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}
            ) from error
        except PabulibError as error:
            raise CommandError(_("%(file)s: %(error)s") % {"file": file, "error": error}) from error
        try:
            process = process_from_pabulib(pb, slug=slug, title=title, count=not no_count)
        except (KeyError, ValueError) as error:
            raise CommandError(_("%(file)s: %(error)s") % {"file": file, "error": error}) from error
        self.stdout.write(
            _("Created “%(title)s” (%(slug)s): %(projects)d projects, %(ballots)d ballots.")
            % {
                "title": process.title,
                "slug": process.slug,
                "projects": process.projects.count(),
                "ballots": process.ballots.count(),
            }
        )
