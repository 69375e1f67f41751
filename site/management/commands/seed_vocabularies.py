from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.vocabularies import VOCABULARY_MODELS, seed_vocabularies


class Command(BaseCommand):
    help = _(
        "Create the vocabulary terms listed in site/vocabularies/*.json that are missing from "
        "the database. Terms editors changed are kept unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "vocabularies",
            nargs="*",
            metavar="vocabulary",
            help=_("Vocabularies to seed (default: all): %(names)s")
            % {"names": ", ".join(VOCABULARY_MODELS)},
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help=_("Also reset existing terms (name, description, order) to the files."),
        )

    def handle(self, *args, vocabularies, overwrite, **options):
        try:
            results = seed_vocabularies(vocabularies=vocabularies or None, overwrite=overwrite)
        except KeyError as error:
            raise CommandError(
                _("Unknown vocabulary: %(names)s") % {"names": error.args[0]}
            ) from error
        for name, result in results.items():
            self.stdout.write(
                _("%(name)s: %(created)d created, %(updated)d updated, %(total)d in the file")
                % {
                    "name": name,
                    "created": result.created,
                    "updated": result.updated,
                    "total": result.total,
                }
            )
