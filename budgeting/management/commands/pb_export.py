"""Write a PB process as a pabulib `.pb` file (one district at a time)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from budgeting.exchange import process_to_pabulib
from budgeting.processes.models import Process


class Command(BaseCommand):
    help = _("Write a participatory budgeting process as a pabulib .pb file.")

    def add_arguments(self, parser):
        parser.add_argument("process", help=_("the process's slug or id"))
        parser.add_argument("--district", default="", help=_("the district's name"))
        parser.add_argument("-o", "--output", default="", help=_("file to write (default: stdout)"))

    def handle(self, *args, process, district, output, **options):
        lookup = {"pk": int(process)} if process.isdigit() else {"slug": process}
        found = Process.objects.filter(**lookup).first()
        if found is None:
            raise CommandError(_("No process %(process)s.") % {"process": process})
        chosen = None
        if district:
            chosen = found.districts.filter(name=district).first()
            if chosen is None:
                raise CommandError(_("No district %(name)s in this process.") % {"name": district})
        text = process_to_pabulib(found, district=chosen)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(_("Wrote %(file)s.") % {"file": output})
        else:
            self.stdout.write(text, ending="")
