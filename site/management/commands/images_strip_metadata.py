from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal.uploaded_images import stored_images_strip


class Command(BaseCommand):
    help = _(
        "Re-encode the stored images (member photos, Wagtail images) that still carry EXIF, "
        "XMP or a comment, such as a GPS position, as new uploads are. Run once after upgrading."
    )

    def handle(self, *args, **options):
        counts = stored_images_strip()
        self.stdout.write(
            _("%(stripped)d images stripped, %(clean)d already clean, %(skipped)d skipped.")
            % counts
        )
