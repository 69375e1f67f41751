"""python manage.py import_stories [--limit N]"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from wagtail.models import Site

from stories.demo import story_index_ensure
from stories.importing import stories_import, stories_import_index


class Command(BaseCommand):
    help = (
        "Import the UNDP Accelerator Labs experimenter stories from the project's copy "
        "(stories/demo_data) as published stories, with the kind and root causes of the "
        "reviewed mapping.json, under the stories page in the site's default language. Reports "
        "each record it cannot import and each story the mapping lacks; imports the rest. "
        "Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="records to read at most")

    def handle(self, *args, limit=None, **options):
        if limit is not None and limit < 0:
            raise CommandError("--limit must be 0 or more")
        # the English stories page, never a translation of it that comes first in the tree
        index = stories_import_index()
        if index is None:
            site = Site.objects.filter(is_default_site=True).first()
            if site is None:
                raise CommandError("No default site: run `manage.py load_demo` first.")
            index = story_index_ensure(site.root_page)
        try:
            report = stories_import(index=index, limit=limit)
        except ValueError as error:  # a stories page with no version in the default language
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
        if report.created:
            call_command("rebuild_references_index", stdout=self.stdout)
