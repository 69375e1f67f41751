"""The admin's image form (`WAGTAILIMAGES_IMAGE_FORM_BASE`): a new JPEG, PNG or WebP file is
stored re-encoded without metadata, as the public site's uploads are
(`portal.uploaded_images`), so no GPS position in an editor's or ambassador's photo reaches
the original that `MEDIA_URL` serves. Other formats (GIF, AVIF, SVG) are stored as uploaded.
Wagtail's field has already checked the format, the file size and the pixel count."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from wagtail.images.forms import BaseImageForm

from portal.uploaded_images import image_upload_clean

REENCODED = {"jpeg", "png", "webp"}


class AdminImageForm(BaseImageForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        image = getattr(upload, "image", None)  # set by WagtailImageField for a new upload
        if isinstance(upload, UploadedFile) and getattr(image, "format_name", "") in REENCODED:
            return image_upload_clean(upload)
        return upload
